"""N-dimensional convolutions and pooling written with the 2-D primitives.

A 1-D input gets a unit height and runs as 2-D.  For three or more spatial axes the
kernel offsets along the *leading* spatial axes (all but the last two) are enumerated:
for each offset ``j`` the strided slice of the (padded) input that this offset reads is
moved into the batch axis and convolved in 2-D with the kernel slice ``W[..., j, :, :]``;
the results are summed.  So an (kd, kh, kw) convolution is kd 2-D convolutions, and
gradients of any order come from the 2-D ops and the slicing ops.  The transposed
convolution scatters each offset's 2-D result into its strided place (``getitem_grad``)
and crops the padding.
"""
import itertools

from chainfuse.functions._util import prod
from chainfuse.ops import array as A
from chainfuse.ops import conv
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def tuple_arg(fn, name, value, nd, minimum):
    """An int or a sequence of nd ints (each >= minimum) as a tuple of nd ints."""
    values = (value,) * nd if isinstance(value, int) else tuple(value)
    if len(values) != nd or not all(isinstance(v, int) and v >= minimum for v in values):
        raise OpTypeError(fn, f'{name} must be an int >= {minimum} or {nd} of them, got '
                              f'{value!r}')
    return tuple(int(v) for v in values)


def _check(fn, x, W, nd, w_first):
    if nd is not None and x.ndim != nd + 2:
        raise OpTypeError(fn, f'x must have {nd} spatial axes (ndim {nd + 2}), got shape '
                              f'{tuple(x.shape)}')
    if x.ndim < 3 or W.ndim != x.ndim:
        raise OpTypeError(fn, f'x (N, C, d1, ...) and W ({w_first}, ..., k1, ...) must have '
                              f'the same ndim >= 3, got {tuple(x.shape)} and '
                              f'{tuple(W.shape)}')
    return x.ndim - 2


def _to_batch(v, lead):
    """(N, C, o_1..o_lead, H, W) -> (N * o_1 * ... * o_lead, C, H, W)."""
    n, c = v.shape[0], v.shape[1]
    order = (0,) + tuple(range(2, 2 + lead)) + (1, lead + 2, lead + 3)
    moved = A.transpose(v, axes=order)
    return A.reshape(moved, shape=(n * prod(v.shape[2:2 + lead]), c) + tuple(v.shape[-2:]))


def _from_batch(v, n, outs):
    """(N * prod(outs), C, H, W) -> (N, C, outs..., H, W)."""
    lead = len(outs)
    shaped = A.reshape(v, shape=(n,) + tuple(outs) + tuple(v.shape[1:]))
    order = (0, lead + 1) + tuple(range(1, lead + 1)) + (lead + 2, lead + 3)
    return A.transpose(shaped, axes=order)


def _kernel_slice(W, offset):
    full = A.Slice(None, None, None)
    return A.getitem(W, key=(full, full) + tuple(offset))


def conv_nd(fn, x, W, stride, pad, cover_all, dilate, groups, nd=None):
    """The convolution of x (N, C, d...) with W (O, C / groups, k...), no bias."""
    nd = _check(fn, x, W, nd, 'out_c')
    stride = tuple_arg(fn, 'stride', stride, nd, 1)
    pad = tuple_arg(fn, 'pad', pad, nd, 0)
    dilate = tuple_arg(fn, 'dilate', dilate, nd, 1)
    if nd == 1:
        y = conv.conv2d(A.reshape(x, shape=tuple(x.shape[:2]) + (1, x.shape[2])),
                        A.reshape(W, shape=tuple(W.shape[:2]) + (1, W.shape[2])),
                        stride=(1,) + stride, pad=(0,) + pad, dilate=(1,) + dilate,
                        groups=int(groups), cover_all=bool(cover_all))
        return A.reshape(y, shape=tuple(y.shape[:2]) + (y.shape[3],))
    attrs = dict(stride=stride[-2:], pad=pad[-2:], dilate=dilate[-2:], groups=int(groups),
                 cover_all=bool(cover_all))
    if nd == 2:
        return conv.conv2d(x, W, **attrs)
    lead = nd - 2
    ksize = tuple(W.shape[2:2 + lead])
    outs = tuple(conv.conv_outsize(n, k, s, p, cover_all, d) for n, k, s, p, d in
                 zip(x.shape[2:2 + lead], ksize, stride, pad, dilate))
    if any(o <= 0 for o in outs):
        raise OpTypeError(fn, f'the kernel {tuple(W.shape[2:])} does not fit the input '
                              f'{tuple(x.shape[2:])} with pad {pad} and dilate {dilate}')
    widths = [(0, 0), (0, 0)]
    for n, k, s, p, d, o in zip(x.shape[2:2 + lead], ksize, stride, pad, dilate, outs):
        needed = (o - 1) * s + (k - 1) * d + 1
        widths.append((p, max(needed - n - p, 0)))
    widths += [(0, 0), (0, 0)]
    padded = A.pad(x, pad_width=tuple(widths)) if any(w != (0, 0) for w in widths) else x
    total = None
    for offset in itertools.product(*[range(k) for k in ksize]):
        key = (A.Slice(None, None, None),) * 2 + tuple(
            A.Slice(j * d, j * d + (o - 1) * s + 1, s)
            for j, d, o, s in zip(offset, dilate, outs, stride))
        part = conv.conv2d(_to_batch(A.getitem(padded, key=key), lead),
                           _kernel_slice(W, offset), **attrs)
        total = part if total is None else E.add(total, part)
    return _from_batch(total, x.shape[0], outs)


def deconv_nd(fn, x, W, stride, pad, outsize, dilate, groups, nd=None):
    """The transposed convolution of x (N, C, d...) with W (C, O / groups, k...)."""
    nd = _check(fn, x, W, nd, 'in_c')
    stride = tuple_arg(fn, 'stride', stride, nd, 1)
    pad = tuple_arg(fn, 'pad', pad, nd, 0)
    dilate = tuple_arg(fn, 'dilate', dilate, nd, 1)
    ksize = tuple(W.shape[2:])
    if outsize is None:
        outsize = tuple(conv.deconv_outsize(n, k, s, p, d=d) for n, k, s, p, d in
                        zip(x.shape[2:], ksize, stride, pad, dilate))
    else:
        outsize = tuple_arg(fn, 'outsize', outsize, nd, 1)
        for o, n, k, s, p, d in zip(outsize, x.shape[2:], ksize, stride, pad, dilate):
            if n not in (conv.conv_outsize(o, k, s, p, False, d),
                         conv.conv_outsize(o, k, s, p, True, d)):
                raise OpTypeError(fn, f'outsize {outsize} is inconsistent with x of shape '
                                      f'{tuple(x.shape)}, kernel {ksize}, stride {stride}, '
                                      f'pad {pad}, dilate {dilate}: a convolution of it '
                                      'would not give x')
    if nd == 1:
        y = conv.deconv2d(A.reshape(x, shape=tuple(x.shape[:2]) + (1, x.shape[2])),
                          A.reshape(W, shape=tuple(W.shape[:2]) + (1, W.shape[2])),
                          stride=(1,) + stride, pad=(0,) + pad, dilate=(1,) + dilate,
                          groups=int(groups), outsize=(1,) + outsize)
        return A.reshape(y, shape=tuple(y.shape[:2]) + (y.shape[3],))
    attrs = dict(stride=stride[-2:], pad=pad[-2:], dilate=dilate[-2:], groups=int(groups),
                 outsize=outsize[-2:])
    if nd == 2:
        return conv.deconv2d(x, W, **attrs)
    lead = nd - 2
    ins = tuple(x.shape[2:2 + lead])
    full = [max(s * (n - 1) + d * (k - 1) + 1, p + o) for n, k, s, p, d, o in
            zip(ins, ksize, stride, pad, dilate, outsize)]
    moved = _to_batch(x, lead)
    total = None
    for offset in itertools.product(*[range(k) for k in ksize[:lead]]):
        part = _from_batch(conv.deconv2d(moved, _kernel_slice(W, offset), **attrs),
                           x.shape[0], ins)
        key = (A.Slice(None, None, None),) * 2 + tuple(
            A.Slice(j * d, j * d + (n - 1) * s + 1, s)
            for j, d, n, s in zip(offset, dilate, ins, stride)) + \
            (A.Slice(None, None, None),) * 2
        shape = tuple(part.shape[:2]) + tuple(full) + tuple(part.shape[-2:])
        placed = A.getitem_grad(part, key=key, shape=shape)
        total = placed if total is None else E.add(total, placed)
    crop = (A.Slice(None, None, None),) * 2 + tuple(
        A.Slice(p, p + o, None) for p, o in zip(pad, outsize[:lead]))
    return A.getitem(total, key=crop)

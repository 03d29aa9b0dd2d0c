"""N-dimensional pooling from the 2-D pooling ops.

Max and average pooling over a box are separable: the box maximum (sum) is the maximum
(sum) over the leading spatial axes of the 2-D window maxima (sums) over the last two
axes.  So the last two axes are pooled by one 2-D op with the leading spatial axes
folded into the channels (a free reshape), and each leading axis is then reduced by an
elementwise maximum (sum) over the strided slices its kernel offsets read.  Ties go to
the first offset, so the chosen element is the first maximum of the window in C order,
as in Chainer.  A 1-D input runs as 2-D with a unit height.
"""
import numpy

from chainfuse.functions._util import prod
from chainfuse.functions.connection._nd import tuple_arg
from chainfuse.ops import array as A
from chainfuse.ops import conv
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def pool_nd_args(fn, x, ksize, stride, pad, nd):
    if nd is not None and x.ndim != nd + 2:
        raise OpTypeError(fn, f'x must have {nd} spatial axes (ndim {nd + 2}), got shape '
                              f'{tuple(x.shape)}')
    nd = x.ndim - 2
    if nd < 1:
        raise OpTypeError(fn, f'x must be (N, C, d_1, ...), got shape {tuple(x.shape)}')
    ksize = tuple_arg(fn, 'ksize', ksize, nd, 1)
    stride = ksize if stride is None else tuple_arg(fn, 'stride', stride, nd, 1)
    pad = tuple_arg(fn, 'pad', pad, nd, 0)
    return nd, ksize, stride, pad


def _as_2d(x, nd):
    """(N, C, d_1..d_nd) -> (N, C * d_1..d_{nd-2}, H, W) (a unit height for nd == 1)."""
    if nd == 1:
        return A.reshape(x, shape=tuple(x.shape[:2]) + (1, x.shape[2]))
    return A.reshape(x, shape=(x.shape[0], prod(x.shape[1:-2])) + tuple(x.shape[-2:]))


def _from_2d(y, x, nd):
    if nd == 1:
        return A.reshape(y, shape=tuple(y.shape[:2]) + (y.shape[3],))
    return A.reshape(y, shape=tuple(x.shape[:-2]) + tuple(y.shape[-2:]))


def _axis_slices(v, axis, k, s, p, out, fill):
    """The k strided slices of v along `axis` that the offsets of a window read, after
    padding with `fill` (p before, as much as the last window needs after)."""
    n = v.shape[axis]
    after = max((out - 1) * s + k - n - p, 0)
    widths = tuple((p, after) if a == axis else (0, 0) for a in range(v.ndim))
    if p or after:
        v = A.pad(v, pad_width=widths, constant_values=fill)
    full = A.Slice(None, None, None)
    return [A.getitem(v, key=(full,) * axis + (A.Slice(j, j + (out - 1) * s + 1, s),))
            for j in range(k)]


def max_pool_nd(fn, x, ksize, stride, pad, cover_all, nd):
    """(y, indexes or None): indexes are the window-local C-order position of each max."""
    nd, ksize, stride, pad = pool_nd_args(fn, x, ksize, stride, pad, nd)
    k2 = (1,) * max(0, 2 - nd) + ksize[-2:]
    s2 = (1,) * max(0, 2 - nd) + stride[-2:]
    p2 = (0,) * max(0, 2 - nd) + pad[-2:]
    y, idx = conv.max_pool2d(_as_2d(x, nd), ksize=k2, stride=s2, pad=p2,
                             cover_all=bool(cover_all))
    y, idx = _from_2d(y, x, nd), _from_2d(idx, x, nd)
    plane = k2[0] * k2[1]
    for axis in reversed(range(2, nd)):       # leading spatial axes, innermost first
        a = axis - 2
        out = conv.conv_outsize(x.shape[axis], ksize[a], stride[a], pad[a], cover_all)
        vals = _axis_slices(y, axis, ksize[a], stride[a], pad[a], out, -numpy.inf)
        idxs = _axis_slices(idx, axis, ksize[a], stride[a], pad[a], out, 0)
        y, idx = vals[0], idxs[0]
        for j in range(1, ksize[a]):
            wins = E.greater(vals[j], y)                 # strictly: ties keep the first
            y = E.where(wins, vals[j], y)
            idx = E.where(wins, E.add(idxs[j], j * plane), idx)
        plane *= ksize[a]
    return y, idx


def avg_pool_nd(fn, x, ksize, stride, pad, pad_value, nd):
    nd, ksize, stride, pad = pool_nd_args(fn, x, ksize, stride, pad, nd)
    if pad_value not in (0, None):
        raise ValueError(f'{fn}: pad_value must be 0 or None, got {pad_value!r}')
    k2 = (1,) * max(0, 2 - nd) + ksize[-2:]
    s2 = (1,) * max(0, 2 - nd) + stride[-2:]
    p2 = (0,) * max(0, 2 - nd) + pad[-2:]
    y = _from_2d(conv.avg_pool2d(_as_2d(x, nd), ksize=k2, stride=s2, pad=p2,
                                 cover_all=False), x, nd)
    for axis in range(2, nd):
        a = axis - 2
        out = conv.conv_outsize(x.shape[axis], ksize[a], stride[a], pad[a])
        parts = _axis_slices(y, axis, ksize[a], stride[a], pad[a], out, 0)
        total = parts[0]
        for part in parts[1:]:
            total = E.add(total, part)
        y = E.mul(total, 1.0 / ksize[a])
    if pad_value is None and any(pad):
        # padding left out of the mean: divide by the fraction of each window inside x
        ones = numpy.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype)
        frac = avg_pool_nd(fn, ones, ksize, stride, pad, 0, nd)
        y = E.div(y, frac)
    return y

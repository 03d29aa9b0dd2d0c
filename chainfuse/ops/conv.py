"""Convolution and pooling primitives over NCHW images.

Convolution is lowered to one matrix product per call (per group), through im2col:

- `im2col` copies, for every kernel offset ``(i, j)``, the strided slice of the padded
  input that this offset reads into a buffer ``col`` of shape
  ``(C, kh, kw, N, out_h, out_w)``.  Channels lead, so ``col`` reshapes for free into
  ``(groups, C/groups * kh * kw, N * out_h * out_w)`` and each group is ONE large GEMM
  with the weights ``(groups, out_c/groups, C/groups * kh * kw)``.
- The product comes out as ``(out_c, N, out_h, out_w)``; ops return its transposed view
  ``(N, out_c, out_h, out_w)`` without copying.  Elementwise ops keep that memory order,
  so the next convolution or pooling reads ``(C, N, H, W)`` contiguously again.  Where
  the reduction is short (``C/groups * kh * kw <= PER_IMAGE_MAX_K``, e.g. a first layer
  on 1-3 channels) the product is memory-bound, and conv2d makes one per image instead,
  written straight into a C-contiguous ``(N, out_c, out_h, out_w)``: compiled plans'
  kernels read C order, so this saves the copy the next op would make.
- `col2im` is the adjoint of `im2col`: it adds each offset's slice of ``col`` back into
  a zero image.  For stride 1 it works on whole padded rows (`Windows`, rows mode): one
  long contiguous run per offset instead of many rows of out_w elements.
- col buffers live in a per-thread workspace reused across calls (`_Workspace`): fresh
  100 MB allocations are page-faulted on every call, which doubles im2col's time.

The three convolution ops are adjoint to each other, and each one's vjp is written
with the other two, so gradients of any order stay inside this family:

======================================  =========================================
``conv2d(x, W)``                        vjp: ``deconv2d(gy, W)``, ``conv2d_grad_w(x, gy)``
``deconv2d(x, W)`` (transposed conv)    vjp: ``conv2d(gy, W)``, ``conv2d_grad_w(gy, x)``
``conv2d_grad_w(x, gy)`` (dL/dW)        vjp: ``deconv2d(gy, gW)``, ``conv2d(x, gW)``
======================================  =========================================

Max pooling and its gradient on numpy float32/float64 arrays run as Numba loops
(`chainfuse.ops.conv_native`, loaded through the kernel cache by `_native`): one pass
over the image, reading any strides, writing C-contiguous results, bit-equal to the numpy
impls below (2-3x faster in LeNet's step; ``CHAINFUSE_BACKEND=numpy`` keeps the numpy
impls, and other dtypes and cupy arrays always run them).  The numpy impls:
pooling loops over the kernel offsets directly (no col buffer; rows mode for stride 1):
`max_pool2d` keeps a running max and the window-local argmax ``i * kw + j`` (int32, like
Chainer's indexes); `max_pool2d_grad` scatters ``gy`` back by those indexes and
`max_pool2d_gather` (its adjoint) gathers by them, with mask products rather than
``where`` (branch-free: 5x faster on CPU; a non-finite gy then spreads NaN over its
window).  `avg_pool2d` / `avg_pool2d_grad` sum windows / spread ``gy / (kh * kw)``;
like Chainer, the divisor counts padding.

Sizes follow Chainer: ``out = (size + 2p - dk) // s + 1`` with ``dk = d (k - 1) + 1``,
plus ``s - 1`` inside the numerator when ``cover_all`` (the last, partial window is kept).
Adjoint ops get the forward input size explicitly (``outsize`` / ``insize``); the input
is padded at the bottom/right as far as the last window needs, so any ``cover_all``
works.  Every impl is written once on ``xp`` (numpy or cupy).
"""
import functools
import hashlib
import os
import threading

import numpy

from chainfuse.ops.registry import (
    Aval, CONV, OpTypeError, REQUIRED, defop, expect_float, expect_ndim, same_dtype)


# ---- sizes ----

def pair(value, name='value', op='conv2d'):
    """An int or a pair of ints -> a tuple of two Python ints (a hashable attr)."""
    if isinstance(value, (int, numpy.integer)):
        return (int(value), int(value))
    try:
        a, b = value
        return (int(a), int(b))
    except (TypeError, ValueError):
        raise OpTypeError(op, f'{name} must be an int or a pair of ints, got {value!r}') \
            from None


def conv_outsize(size, k, s, p, cover_all=False, d=1):
    """Output length of a convolution/pooling along one axis (Chainer's formula)."""
    dk = k + (k - 1) * (d - 1)
    if cover_all:
        return (size + p * 2 - dk + s - 1) // s + 1
    return (size + p * 2 - dk) // s + 1


def deconv_outsize(size, k, s, p, cover_all=False, d=1):
    """The input length a convolution maps to `size` (the transposed convolution's)."""
    dk = (k - 1) * d + 1
    if cover_all:
        return s * (size - 1) + dk - s + 1 - 2 * p
    return s * (size - 1) + dk - 2 * p


def cover_all_for(insize, outsize, ksize, stride, pad, dilate=(1, 1)):
    """The ``cover_all`` under which a convolution maps `insize` to `outsize` (2-D).

    Used by vjp rules that must call a forward op whose output size is already fixed.
    """
    return any(conv_outsize(n, k, s, p, False, d) != o
               for n, o, k, s, p, d in zip(insize, outsize, ksize, stride, pad, dilate))


def _fits(insize, outsize, ksize, stride, pad, dilate):
    """True when a convolution maps `insize` to `outsize` with either cover_all."""
    return all(o in (conv_outsize(n, k, s, p, False, d), conv_outsize(n, k, s, p, True, d))
               for n, o, k, s, p, d in zip(insize, outsize, ksize, stride, pad, dilate))


# ---- where windows read ----

class Windows:
    """The kernel windows of one 2-D convolution/pooling: sizes, padding and slices.

    ``insize`` is the unpadded input (h, w), ``outsize`` the number of windows per axis.
    The input is padded by ``pad`` at the top/left and, at the bottom/right, by as much
    as the last window reaches (which is how ``cover_all`` works without a flag here).

    Inside an impl, images and per-offset arrays are laid out channels first,
    ``(C, N, ...)``.  Two modes say what ``...`` is:

    - strided (any stride): the padded image is (C, N, Hp, Wp) and kernel position
      (i, j) reads the strided slice (C, N, out_h, out_w) starting at (i * dy, j * dx);
    - rows (``rows=True``, stride 1 only): the padded image is flattened to
      (C, N, Hp * Wp + tail) and position (i, j) reads ONE contiguous run of
      ``out_h * Wp`` elements starting at ``i * dy * Wp + j * dx``: out_h whole padded
      rows.  Columns past out_w are junk (they read the next row's start, and must be
      zero where written back, see `widen`); `finish` drops them.  numpy then loops
      over N * C long runs instead of N * C * out_h rows of out_w elements, which halves
      the time of pooling and col2im.
    """

    def __init__(self, insize, ksize, stride, pad, dilate, outsize, rows=False):
        self.insize, self.ksize, self.stride = tuple(insize), ksize, stride
        self.pad, self.dilate, self.outsize = pad, dilate, tuple(outsize)
        self.rows = bool(rows) and stride == (1, 1)
        self.hi = tuple(max(0, (o - 1) * s + (k - 1) * d + 1 - p - n)
                        for n, k, s, p, d, o in zip(insize, ksize, stride, pad, dilate, outsize))

    @property
    def padded(self):
        return tuple(p + n + h for p, n, h in zip(self.pad, self.insize, self.hi))

    @property
    def inner(self):
        """The trailing shape of a per-offset array: (out_h, out_w), or (out_h * Wp,)."""
        oh, ow = self.outsize
        return (oh * self.padded[1],) if self.rows else (oh, ow)

    def offsets(self):
        """Yields ``(k, i, j, index)``: flat offset ``i * kw + j``, kernel position, and
        the index of the padded (C, N, ...) image that this kernel position reads."""
        (kh, kw), (sy, sx), (dy, dx) = self.ksize, self.stride, self.dilate
        (oh, ow), wp = self.outsize, self.padded[1]
        every = (slice(None), slice(None))
        for i in range(kh):
            for j in range(kw):
                if self.rows:
                    start = i * dy * wp + j * dx
                    index = every + (slice(start, start + oh * wp),)
                else:
                    index = every + (slice(i * dy, i * dy + sy * (oh - 1) + 1, sy),
                                     slice(j * dx, j * dx + sx * (ow - 1) + 1, sx))
                yield i * kw + j, i, j, index

    def _alloc(self, xp, c, n, dtype, value):
        hp, wp = self.padded
        tail = (self.ksize[1] - 1) * self.dilate[1]
        shape = (c, n, hp * wp + tail) if self.rows else (c, n, hp, wp)
        return xp.full(shape, value, dtype=dtype)

    def _interior(self, img):
        """The (C, N, h, w) view of the unpadded part of a padded image."""
        (hp, wp), (ph, pw), (h, w) = self.padded, self.pad, self.insize
        if self.rows:
            img = img[:, :, :hp * wp].reshape(img.shape[:2] + (hp, wp))
        return img[:, :, ph:ph + h, pw:pw + w]

    def image(self, xp, x, value):
        """x (N, C, H, W) as a padded (C, N, ...) image (`value` in the padding); just
        x transposed when there is nothing to pad."""
        xt = x.transpose(1, 0, 2, 3)
        if not self.rows and not any(self.pad) and not any(self.hi):
            return xt
        img = self._alloc(xp, xt.shape[0], xt.shape[1], x.dtype, value)
        self._interior(img)[...] = xt
        return img

    def zeros(self, xp, n, c, dtype):
        """A zero padded (C, N, ...) image to accumulate into; `crop` gives the result."""
        return self._alloc(xp, c, n, dtype, 0)

    def crop(self, img):
        """The (N, C, h, w) view of the unpadded part of an accumulated image."""
        return self._interior(img).transpose(1, 0, 2, 3)

    def widen(self, xp, a):
        """An (N, C, out_h, out_w) array in the per-offset (C, N, ...) layout; in rows mode
        each row is zero-padded to Wp, so the junk columns add nothing."""
        at = a.transpose(1, 0, 2, 3)
        if not self.rows:
            return at
        buf = xp.zeros(at.shape[:3] + (self.padded[1],), dtype=a.dtype)
        buf[..., :a.shape[3]] = at
        return buf.reshape(at.shape[:2] + self.inner)

    def finish(self, y):
        """A per-offset-layout result (C, N, ...) -> (N, C, out_h, out_w) (a view)."""
        if self.rows:
            oh, ow = self.outsize
            y = y.reshape(y.shape[:2] + (oh, self.padded[1]))[..., :ow]
        return y.transpose(1, 0, 2, 3)


class _Workspace(threading.local):
    """A per-thread scratch buffer for the col matrices, reused from call to call.

    A col buffer is large (C * kh * kw * N * out_h * out_w elements, often over 100 MB)
    and lives only inside one op's impl.  Fresh allocations that large are mmapped and
    page-faulted on every call, which costs as much as filling them; reusing one buffer
    halves im2col's time.  Buffers over `LIMIT` bytes are not kept.
    """

    LIMIT = 1 << 30

    def __init__(self):
        self.buffers = {}

    def get(self, xp, shape, dtype):
        dtype = numpy.dtype(dtype)
        size = 1
        for s in shape:
            size *= int(s)
        if size * dtype.itemsize > self.LIMIT:
            return xp.empty(shape, dtype=dtype)
        key = (xp.__name__, dtype.str)
        buf = self.buffers.get(key)
        if buf is None or buf.size < size:
            buf = self.buffers[key] = xp.empty(size, dtype=dtype)
        return buf[:size].reshape(shape)

    def clear(self):
        self.buffers.clear()


_workspace = _Workspace()


def free_workspace():
    """Drops this thread's cached col buffers (they are reallocated on demand)."""
    _workspace.clear()


# ---- the Numba loops (numpy arrays, float32/float64) ----

_NATIVE_DTYPES = (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64))
_native_fns = {}


def _native(xp, name, ins, outs):
    """Kernel `name` of `chainfuse.ops.conv_native` compiled for arrays `ins` (read, any
    strides) and outputs ``outs = [(dtype, ndim)]`` (written, C-contiguous), or None
    where the numpy impl runs instead: cupy arrays, dtypes other than float32/float64,
    and the numpy backend (``CHAINFUSE_BACKEND=numpy`` compiles nothing, so every impl
    here is numpy calls).

    The loops come from the kernel cache (`kernel_cache.load_kernel`), compiled once
    per signature and then loaded from disk by later processes."""
    if xp is not numpy or os.environ.get('CHAINFUSE_BACKEND') == 'numpy':
        return None
    if ins[0].dtype not in _NATIVE_DTYPES:
        return None
    key = (name,) + tuple((a.dtype.str, a.ndim, a.flags.writeable, a.flags.c_contiguous)
                          for a in ins)
    fn = _native_fns.get(key)
    if fn is None:
        import numba
        from chainfuse.compiler.codegen import kernel_cache
        sig = tuple(numba.types.Array(numba.from_dtype(a.dtype), a.ndim,
                                      'C' if a.flags.c_contiguous else 'A',
                                      readonly=not a.flags.writeable) for a in ins)
        sig += tuple(numba.types.Array(numba.from_dtype(numpy.dtype(d)), ndim, 'C')
                     for d, ndim in outs)
        sig += (numba.int64,) * _NATIVE_INTS[name]
        mod_name, text = _native_source()
        fn = _native_fns[key] = kernel_cache.load_kernel(mod_name, text, name, sig)
    return fn


_NATIVE_INTS = {'max_pool': 6, 'max_pool_inside': 4, 'max_pool_grad': 6,
                'max_pool_grad_inside': 4}


@functools.lru_cache(maxsize=None)
def _native_source():
    """(module name, text) of the conv_native kernel-cache entry, named by its hash."""
    path = os.path.join(os.path.dirname(__file__), 'conv_native.py')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    return f'chainfuse_conv_native_{hashlib.sha256(text.encode()).hexdigest()[:16]}', text


def im2col(xp, x, win):
    """(N, C, H, W) -> col (C, kh, kw, N) + win.inner: what each kernel offset reads.

    The col lives in the thread's workspace: use it before the next im2col call."""
    n, c = x.shape[:2]
    img = win.image(xp, x, 0)
    col = _workspace.get(xp, (c,) + win.ksize + (n,) + win.inner, x.dtype)
    for _, i, j, index in win.offsets():
        col[:, i, j] = img[index]
    return col


def col2im(xp, col, win):
    """The adjoint of `im2col`: adds col (C, kh, kw, N) + win.inner into an (N, C, H, W)
    image (returned as a view of the padded buffer)."""
    c, n = col.shape[0], col.shape[3]
    img = win.zeros(xp, n, c, col.dtype)
    for _, i, j, index in win.offsets():
        img[index] += col[:, i, j]
    return win.crop(img)


def _grouped_matmul(xp, a, b, scratch=False):
    """``a @ b`` for stacks (groups, m, k) @ (groups, k, n); one GEMM when groups == 1.

    With `scratch` the product is written into the thread's workspace (for a col that
    col2im consumes at once).  float16 is multiplied in float32 (numpy has no
    half-precision BLAS, and this keeps the accumulation exact enough on both backends).
    """
    dtype = a.dtype
    if dtype == numpy.float16:
        a, b = a.astype(numpy.float32), b.astype(numpy.float32)
        return xp.matmul(a, b).astype(dtype)
    out = None
    if scratch:
        out = _workspace.get(xp, (a.shape[0], a.shape[1], b.shape[2]), dtype)
    if a.shape[0] == 1:
        y = xp.matmul(a[0], b[0], out=None if out is None else out[0])
        return y[None]
    return xp.matmul(a, b, out=out)


# ---- attribute and shape checks ----

def _geometry(op, attrs):
    """Normalized (ksize?, stride, pad, dilate) pairs from an attrs dict, checked."""
    out = {k: pair(attrs[k], k, op) for k in ('ksize', 'stride', 'pad', 'dilate')
           if k in attrs}
    for k in ('ksize', 'stride', 'dilate'):
        if k in out and min(out[k]) < 1:
            raise OpTypeError(op, f'{k} must be positive, got {out[k]}')
    if min(out['pad']) < 0:
        raise OpTypeError(op, f'pad must be non-negative, got {out["pad"]}')
    return out


def _check_groups(op, groups, **channels):
    if int(groups) < 1:
        raise OpTypeError(op, f'groups must be positive, got {groups}')
    for what, n in channels.items():
        if n % groups:
            raise OpTypeError(op, f'{what} ({n}) is not divisible by groups={groups}')


def _check_images(op, *pairs):
    """Each (aval, what) must be a 4-D float array; all share one dtype."""
    for aval, what in pairs:
        expect_ndim(op, aval, 4, what)
        expect_float(op, aval, what)
    return same_dtype(op, *(a for a, _ in pairs))


def _check_outsize(op, outsize):
    if min(outsize) < 1:
        raise OpTypeError(op, f'the output would be empty: spatial size {outsize}')


def _conv_win(insize, W_shape, g, outsize, rows=False):
    return Windows(insize, W_shape[2:], g['stride'], g['pad'], g['dilate'], outsize, rows)


# ---- conv2d ----

def _conv2d_out(x, W, attrs):
    g = _geometry('conv2d', attrs)
    return tuple(conv_outsize(n, k, s, p, attrs['cover_all'], d) for n, k, s, p, d in
                 zip(x.shape[2:], W.shape[2:], g['stride'], g['pad'], g['dilate'])), g


def _conv2d_infer(x, W, **attrs):
    dtype = _check_images('conv2d', (x, 'x'), (W, 'W'))
    groups = attrs['groups']
    _check_groups('conv2d', groups, out_channels=W.shape[0])
    if x.shape[1] != W.shape[1] * groups:
        raise OpTypeError('conv2d', f'x has {x.shape[1]} channels but W of shape {W.shape} '
                                    f'with groups={groups} expects {W.shape[1] * groups} '
                                    f'(x shape {x.shape})')
    out, _ = _conv2d_out(x, W, attrs)
    _check_outsize('conv2d', out)
    return Aval((x.shape[0], W.shape[0]) + out, dtype)


def _conv2d_impl(xp, x, W, **attrs):
    out, g = _conv2d_out(x, W, attrs)
    n, oc, groups = x.shape[0], W.shape[0], attrs['groups']
    col = im2col(xp, x, _conv_win(x.shape[2:], W.shape, g, out))
    k = W.shape[1] * W.shape[2] * W.shape[3]   # explicit sizes: a batch of 0 has no -1
    if groups == 1 and k <= PER_IMAGE_MAX_K and x.dtype != numpy.float16:
        # one product per image, W (oc, k) @ col[:, n] (k, oh * ow), written (N, oc, ...)
        hw = out[0] * out[1]
        y = xp.matmul(W.reshape(oc, k), col.reshape(k, n, hw).transpose(1, 0, 2))
        return y.reshape((n, oc) + out)
    y = _grouped_matmul(xp, W.reshape(groups, oc // groups, k),
                        col.reshape(groups, k, n * out[0] * out[1]))
    return y.reshape((oc, n) + out).transpose(1, 0, 2, 3)


# conv2d and conv2d_grad_w make one product per image when the reduction over the kernel
# (C/groups * kh * kw) is at most this: a short product is memory-bound, and conv2d's
# (N, out_c, ...) written directly saves the copy that the next op's C-order read makes
# of the (out_c, N, ...) product (measured: 1.5-2.2x faster at k=25, 1.6x slower at
# k=500, where one large GEMM is the better kernel)
PER_IMAGE_MAX_K = 64


def _common(attrs):
    return {k: attrs[k] for k in ('stride', 'pad', 'dilate', 'groups')}


def _conv2d_vjp(ctx, gy):
    x, W = ctx.inputs
    x_aval, W_aval = ctx.in_avals
    gx = gW = None
    if ctx.needs_grad(0):
        gx = deconv2d(gy, W, outsize=x_aval.shape[2:], **_common(ctx.attrs))
    if ctx.needs_grad(1):
        gW = conv2d_grad_w(x, gy, ksize=W_aval.shape[2:], **_common(ctx.attrs))
    return gx, gW


_CONV_ATTRS = dict(stride=(1, 1), pad=(0, 0), dilate=(1, 1), groups=1)

conv2d = defop(
    'conv2d', kind=CONV, impl=_conv2d_impl, infer=_conv2d_infer, vjp=_conv2d_vjp,
    attrs=dict(_CONV_ATTRS, cover_all=False),
    doc='conv2d(x (N, C, H, W), W (out_c, C/groups, kh, kw), stride, pad, dilate, groups, '
        'cover_all) -> (N, out_c, out_h, out_w); no bias.')


# ---- deconv2d: the transposed convolution (gradient of conv2d w.r.t. its input) ----

def _deconv2d_check(x, W, attrs):
    dtype = _check_images('deconv2d', (x, 'x'), (W, 'W'))
    groups = attrs['groups']
    _check_groups('deconv2d', groups, in_channels=W.shape[0])
    if x.shape[1] != W.shape[0]:
        raise OpTypeError('deconv2d', f'x has {x.shape[1]} channels but W of shape {W.shape} '
                                      f'expects {W.shape[0]} (x shape {x.shape})')
    g = _geometry('deconv2d', attrs)
    outsize = pair(attrs['outsize'], 'outsize', 'deconv2d')
    _check_outsize('deconv2d', outsize)
    if not _fits(outsize, x.shape[2:], W.shape[2:], g['stride'], g['pad'], g['dilate']):
        raise OpTypeError('deconv2d', f'outsize {outsize} is inconsistent with x of shape '
                                      f'{x.shape}, kernel {W.shape[2:]}, stride {g["stride"]}, '
                                      f'pad {g["pad"]}, dilate {g["dilate"]}')
    return dtype, g, outsize


def _deconv2d_infer(x, W, **attrs):
    dtype, _, outsize = _deconv2d_check(x, W, attrs)
    return Aval((x.shape[0], W.shape[1] * attrs['groups']) + outsize, dtype)


def _deconv2d_impl(xp, x, W, **attrs):
    g = _geometry('deconv2d', attrs)
    outsize = pair(attrs['outsize'], 'outsize', 'deconv2d')
    n, c, h, w = x.shape
    cin, ocg, kh, kw = W.shape
    groups = attrs['groups']
    win = _conv_win(outsize, W.shape, g, (h, w), rows=True)
    xw = win.widen(xp, x)
    xg = xw.reshape(groups, c // groups, xw.size // c)   # not -1: a batch of 0 has size 0
    Wg = W.reshape(groups, cin // groups, ocg * kh * kw).transpose(0, 2, 1)
    col = _grouped_matmul(xp, Wg, xg, scratch=True)
    return col2im(xp, col.reshape((groups * ocg, kh, kw, n) + win.inner), win)


def _deconv2d_vjp(ctx, gy):
    x, W = ctx.inputs
    x_aval, W_aval = ctx.in_avals
    common = _common(ctx.attrs)
    g = _geometry('deconv2d', ctx.attrs)
    gx = gW = None
    if ctx.needs_grad(0):
        cover_all = cover_all_for(pair(ctx.attrs['outsize']), x_aval.shape[2:],
                                  W_aval.shape[2:], g['stride'], g['pad'], g['dilate'])
        gx = conv2d(gy, W, cover_all=cover_all, **common)
    if ctx.needs_grad(1):
        gW = conv2d_grad_w(gy, x, ksize=W_aval.shape[2:], **common)
    return gx, gW


deconv2d = defop(
    'deconv2d', kind=CONV, impl=_deconv2d_impl, infer=_deconv2d_infer, vjp=_deconv2d_vjp,
    attrs=dict(_CONV_ATTRS, outsize=REQUIRED),
    doc='deconv2d(x (N, C, h, w), W (C, out_c/groups, kh, kw), stride, pad, dilate, groups, '
        'outsize=(H, W)) -> (N, out_c, H, W): the transpose of conv2d; no bias.')


# ---- conv2d_grad_w: the gradient of conv2d w.r.t. its weights ----

def _grad_w_infer(x, gy, **attrs):
    dtype = _check_images('conv2d_grad_w', (x, 'x'), (gy, 'gy'))
    groups = attrs['groups']
    _check_groups('conv2d_grad_w', groups, in_channels=x.shape[1], out_channels=gy.shape[1])
    g = _geometry('conv2d_grad_w', attrs)
    if x.shape[0] != gy.shape[0] or not _fits(x.shape[2:], gy.shape[2:], g['ksize'],
                                              g['stride'], g['pad'], g['dilate']):
        raise OpTypeError('conv2d_grad_w', f'gy of shape {gy.shape} is not the output of a '
                                           f'convolution of x of shape {x.shape} with kernel '
                                           f'{g["ksize"]}, stride {g["stride"]}, pad '
                                           f'{g["pad"]}, dilate {g["dilate"]}')
    return Aval((gy.shape[1], x.shape[1] // groups) + g['ksize'], dtype)


def _grad_w_impl(xp, x, gy, **attrs):
    g = _geometry('conv2d_grad_w', attrs)
    n, c = x.shape[:2]
    oc, oh, ow = gy.shape[1:]
    groups = attrs['groups']
    col = im2col(xp, x, Windows(x.shape[2:], g['ksize'], g['stride'], g['pad'], g['dilate'],
                                (oh, ow)))
    k = (c // groups) * g['ksize'][0] * g['ksize'][1]
    if groups == 1 and k <= PER_IMAGE_MAX_K and x.dtype != numpy.float16 and n:
        # short reduction over the kernel, long over the images: a product per image,
        # gy[n] (oc, oh * ow) @ col[:, n].T, summed; reads gy as it is (N, oc, ...)
        # instead of copying it to (oc, N, ...) for one skinny GEMM (3x faster at k=25)
        per = xp.matmul(gy.reshape(n, oc, oh * ow), col.reshape(k, n, oh * ow)
                        .transpose(1, 2, 0))
        return per.sum(axis=0).reshape((oc, c) + g['ksize'])
    gyg = gy.transpose(1, 0, 2, 3).reshape(groups, oc // groups, n * oh * ow)
    gW = _grouped_matmul(xp, gyg, col.reshape(groups, k, n * oh * ow).transpose(0, 2, 1))
    return gW.reshape((oc, c // groups) + g['ksize'])


def _grad_w_vjp(ctx, ggW):
    x, gy = ctx.inputs
    x_aval, gy_aval = ctx.in_avals
    common = _common(ctx.attrs)
    g = _geometry('conv2d_grad_w', ctx.attrs)
    gx = ggy = None
    if ctx.needs_grad(0):
        gx = deconv2d(gy, ggW, outsize=x_aval.shape[2:], **common)
    if ctx.needs_grad(1):
        cover_all = cover_all_for(x_aval.shape[2:], gy_aval.shape[2:], g['ksize'],
                                  g['stride'], g['pad'], g['dilate'])
        ggy = conv2d(x, ggW, cover_all=cover_all, **common)
    return gx, ggy


conv2d_grad_w = defop(
    'conv2d_grad_w', kind=CONV, impl=_grad_w_impl, infer=_grad_w_infer, vjp=_grad_w_vjp,
    attrs=dict(_CONV_ATTRS, ksize=REQUIRED),
    doc='conv2d_grad_w(x (N, C, H, W), gy (N, out_c, oh, ow), ksize, stride, pad, dilate, '
        'groups) -> gW (out_c, C/groups, kh, kw): the gradient of conv2d w.r.t. W.')


# ---- pooling: shared checks ----

def _pool_geometry(op, attrs):
    g = _geometry(op, dict(attrs, dilate=1))
    if any(p >= k for p, k in zip(g['pad'], g['ksize'])):
        raise OpTypeError(op, f'pad {g["pad"]} must be smaller than ksize {g["ksize"]}')
    return g


def _pool_win(op, insize, attrs, outsize=None):
    g = _pool_geometry(op, attrs)
    if outsize is None:
        outsize = tuple(conv_outsize(n, k, s, p, attrs['cover_all']) for n, k, s, p in
                        zip(insize, g['ksize'], g['stride'], g['pad']))
    return Windows(insize, g['ksize'], g['stride'], g['pad'], (1, 1), outsize, rows=True)


def _pool_infer(op, x, attrs):
    expect_ndim(op, x, 4, 'x')
    expect_float(op, x, 'x')
    win = _pool_win(op, x.shape[2:], attrs)
    _check_outsize(op, win.outsize)
    return win


def _check_adjoint_sizes(op, gy, attrs, what='gy'):
    """gy must be (N, C, oh, ow) for a pooling of (N, C) + insize."""
    insize = pair(attrs['insize'], 'insize', op)
    g = _pool_geometry(op, attrs)
    if not _fits(insize, gy.shape[2:], g['ksize'], g['stride'], g['pad'], (1, 1)):
        raise OpTypeError(op, f'{what} of shape {gy.shape} is not the output of a pooling of '
                              f'an input of spatial size {insize} with ksize {g["ksize"]}, '
                              f'stride {g["stride"]}, pad {g["pad"]}')
    return insize


def _check_indexes(op, indexes, ref, what):
    if indexes.dtype.kind not in 'iu':
        raise OpTypeError(op, f'indexes must be an integer array, got {indexes.dtype.name}')
    if indexes.shape != ref.shape:
        raise OpTypeError(op, f'indexes of shape {indexes.shape} do not match {what} of '
                              f'shape {ref.shape}')


def _cover_all_for_pool(insize, outsize, attrs):
    g = _pool_geometry('pool', attrs)
    return cover_all_for(insize, outsize, g['ksize'], g['stride'], g['pad'])


def _pool_attrs(attrs):
    return {k: attrs[k] for k in ('ksize', 'stride', 'pad')}


# ---- max_pool2d and its adjoints ----

def _max_pool2d_infer(x, **attrs):
    win = _pool_infer('max_pool2d', x, attrs)
    shape = x.shape[:2] + win.outsize
    return Aval(shape, x.dtype), Aval(shape, numpy.int32)


def _max_pool2d_impl(xp, x, **attrs):
    win = _pool_win('max_pool2d', x.shape[2:], attrs)
    inside = not any(win.pad) and not any(win.hi)
    fn = _native(xp, 'max_pool_inside' if inside else 'max_pool', (x,),
                 ((x.dtype, 4), (numpy.int32, 4)))
    if fn is not None:
        y = numpy.empty(x.shape[:2] + win.outsize, x.dtype)
        indexes = numpy.empty(x.shape[:2] + win.outsize, numpy.int32)
        fn(x, y, indexes, *win.ksize, *win.stride, *(() if inside else win.pad))
        return y, indexes
    img = win.image(xp, x, -numpy.inf)
    y = indexes = None
    for k, _, _, index in win.offsets():
        v = img[index]
        if y is None:
            y = xp.empty_like(v)
            y[...] = v
            indexes = xp.zeros_like(v, dtype=numpy.int32)
            continue
        # offsets come in increasing k, so "k where v beats the max so far, else keep" is
        # a maximum; arithmetic on the mask is branch-free (masked copies are 5x slower)
        xp.maximum(indexes, (v > y) * numpy.int32(k), out=indexes)
        xp.maximum(y, v, out=y)
    return win.finish(y), win.finish(indexes)


def _max_pool2d_vjp(ctx, gy, _gindexes):
    indexes = ctx.out_vars[1]
    insize = ctx.in_avals[0].shape[2:]
    return (max_pool2d_grad(gy, indexes, insize=insize, **_pool_attrs(ctx.attrs)),)


max_pool2d = defop(
    'max_pool2d', kind=CONV, impl=_max_pool2d_impl, infer=_max_pool2d_infer,
    vjp=_max_pool2d_vjp, n_outputs=2, retain_outputs=(1,),
    attrs=dict(ksize=REQUIRED, stride=REQUIRED, pad=(0, 0), cover_all=True),
    doc='max_pool2d(x (N, C, H, W), ksize, stride, pad, cover_all) -> (y, indexes): the max '
        'of each window (padding is -inf) and its window-local position i*kw+j (int32).')


def _max_pool2d_grad_infer(gy, indexes, **attrs):
    expect_ndim('max_pool2d_grad', gy, 4, 'gy')
    expect_float('max_pool2d_grad', gy, 'gy')
    _check_indexes('max_pool2d_grad', indexes, gy, 'gy')
    insize = _check_adjoint_sizes('max_pool2d_grad', gy, attrs)
    return Aval(gy.shape[:2] + insize, gy.dtype)


def _max_pool2d_grad_impl(xp, gy, indexes, **attrs):
    insize = pair(attrs['insize'])
    win = _pool_win('max_pool2d_grad', insize, dict(attrs, cover_all=False), gy.shape[2:])
    inside = not any(win.pad) and not any(win.hi)
    fn = _native(xp, 'max_pool_grad_inside' if inside else 'max_pool_grad', (gy, indexes),
                 ((gy.dtype, 4),)) if indexes.dtype == numpy.int32 else None
    if fn is not None:
        gx = numpy.empty(gy.shape[:2] + insize, gy.dtype)
        fn(gy, indexes, gx, *win.ksize, *win.stride, *(() if inside else win.pad))
        return gx
    gx = win.zeros(xp, gy.shape[0], gy.shape[1], gy.dtype)
    gy, indexes = win.widen(xp, gy), win.widen(xp, indexes)
    for k, _, _, index in win.offsets():
        gx[index] += gy * (indexes == k)  # a mask product: branch-free, unlike where
    return win.crop(gx)


def _max_pool2d_grad_vjp(ctx, ggx):
    indexes = ctx.inputs[1]
    return max_pool2d_gather(ggx, indexes, **_pool_attrs(ctx.attrs)), None


max_pool2d_grad = defop(
    'max_pool2d_grad', kind=CONV, impl=_max_pool2d_grad_impl, infer=_max_pool2d_grad_infer,
    vjp=_max_pool2d_grad_vjp,
    attrs=dict(ksize=REQUIRED, stride=REQUIRED, pad=(0, 0), insize=REQUIRED),
    doc='max_pool2d_grad(gy, indexes, ksize, stride, pad, insize=(H, W)) -> gx: gy sent '
        'back to the argmax of each window (sums where windows overlap).')


def _gather_infer(x, indexes, **attrs):
    expect_ndim('max_pool2d_gather', x, 4, 'x')
    expect_float('max_pool2d_gather', x, 'x')
    expect_ndim('max_pool2d_gather', indexes, 4, 'indexes')
    if indexes.dtype.kind not in 'iu' or indexes.shape[:2] != x.shape[:2]:
        raise OpTypeError('max_pool2d_gather', f'indexes must be integers of shape '
                                               f'{x.shape[:2]} + (oh, ow), got '
                                               f'{indexes.dtype.name}{indexes.shape}')
    _check_adjoint_sizes('max_pool2d_gather', indexes, dict(attrs, insize=x.shape[2:]),
                         'indexes')
    return Aval(indexes.shape, x.dtype)


def _gather_impl(xp, x, indexes, **attrs):
    win = _pool_win('max_pool2d_gather', x.shape[2:], dict(attrs, cover_all=False),
                    indexes.shape[2:])
    img = win.image(xp, x, 0)
    indexes = win.widen(xp, indexes)
    y = xp.zeros(indexes.shape, dtype=x.dtype)
    for k, _, _, index in win.offsets():
        y += img[index] * (indexes == k)
    return win.finish(y)


def _gather_vjp(ctx, gy):
    indexes = ctx.inputs[1]
    insize = ctx.in_avals[0].shape[2:]
    return max_pool2d_grad(gy, indexes, insize=insize, **_pool_attrs(ctx.attrs)), None


max_pool2d_gather = defop(
    'max_pool2d_gather', kind=CONV, impl=_gather_impl, infer=_gather_infer, vjp=_gather_vjp,
    attrs=dict(ksize=REQUIRED, stride=REQUIRED, pad=(0, 0)),
    doc='max_pool2d_gather(x, indexes, ksize, stride, pad) -> y (shape of indexes): each '
        'window of x read at its index (the adjoint of max_pool2d_grad).')


# ---- avg_pool2d and its adjoint ----

def _avg_pool2d_infer(x, **attrs):
    win = _pool_infer('avg_pool2d', x, attrs)
    return Aval(x.shape[:2] + win.outsize, x.dtype)


def _avg_pool2d_impl(xp, x, **attrs):
    win = _pool_win('avg_pool2d', x.shape[2:], attrs)
    img = win.image(xp, x, 0)
    y = None
    for _, _, _, index in win.offsets():
        if y is None:
            y = xp.empty_like(img[index])
            y[...] = img[index]
        else:
            y += img[index]
    y *= x.dtype.type(1.0 / (win.ksize[0] * win.ksize[1]))
    return win.finish(y)


def _avg_pool2d_vjp(ctx, gy):
    insize = ctx.in_avals[0].shape[2:]
    return (avg_pool2d_grad(gy, insize=insize, **_pool_attrs(ctx.attrs)),)


avg_pool2d = defop(
    'avg_pool2d', kind=CONV, impl=_avg_pool2d_impl, infer=_avg_pool2d_infer,
    vjp=_avg_pool2d_vjp,
    attrs=dict(ksize=REQUIRED, stride=REQUIRED, pad=(0, 0), cover_all=False),
    doc='avg_pool2d(x, ksize, stride, pad, cover_all=False) -> window sums / (kh * kw) '
        '(zero padding counts, as in Chainer).')


def _avg_pool2d_grad_infer(gy, **attrs):
    expect_ndim('avg_pool2d_grad', gy, 4, 'gy')
    expect_float('avg_pool2d_grad', gy, 'gy')
    insize = _check_adjoint_sizes('avg_pool2d_grad', gy, attrs)
    return Aval(gy.shape[:2] + insize, gy.dtype)


def _avg_pool2d_grad_impl(xp, gy, **attrs):
    insize = pair(attrs['insize'])
    win = _pool_win('avg_pool2d_grad', insize, dict(attrs, cover_all=False), gy.shape[2:])
    g = win.widen(xp, gy * gy.dtype.type(1.0 / (win.ksize[0] * win.ksize[1])))
    gx = win.zeros(xp, gy.shape[0], gy.shape[1], gy.dtype)
    for _, _, _, index in win.offsets():
        gx[index] += g
    return win.crop(gx)


def _avg_pool2d_grad_vjp(ctx, ggx):
    outsize = ctx.in_avals[0].shape[2:]
    cover_all = _cover_all_for_pool(pair(ctx.attrs['insize']), outsize, ctx.attrs)
    return (avg_pool2d(ggx, cover_all=cover_all, **_pool_attrs(ctx.attrs)),)


avg_pool2d_grad = defop(
    'avg_pool2d_grad', kind=CONV, impl=_avg_pool2d_grad_impl, infer=_avg_pool2d_grad_infer,
    vjp=_avg_pool2d_grad_vjp,
    attrs=dict(ksize=REQUIRED, stride=REQUIRED, pad=(0, 0), insize=REQUIRED),
    doc='avg_pool2d_grad(gy, ksize, stride, pad, insize=(H, W)) -> gx: gy / (kh * kw) '
        'spread over each window (the adjoint of avg_pool2d).')

"""Direct-loop numpy references for convolution and pooling (tiny shapes only).

Written from the definitions, independently of chainfuse.ops.conv: every output element
is a sum over its window, read from an explicitly padded float64 copy of the input.
"""
import numpy


def _pair(v):
    return (v, v) if numpy.isscalar(v) else tuple(v)


def out_len(size, k, s, p, cover_all=False, d=1):
    span = d * (k - 1) + 1
    extra = s - 1 if cover_all else 0
    return (size + 2 * p - span + extra) // s + 1


def padded(x, pad, value=0.0, extra=(0, 0)):
    """x (N, C, H, W) padded by pad on every side plus `extra` more at the bottom/right."""
    (ph, pw), (eh, ew) = _pair(pad), extra
    n, c, h, w = x.shape
    out = numpy.full((n, c, h + 2 * ph + eh, w + 2 * pw + ew), value, dtype=numpy.float64)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def conv2d(x, W, stride=1, pad=0, dilate=1, groups=1, cover_all=False):
    (sy, sx), (ph, pw), (dy, dx) = _pair(stride), _pair(pad), _pair(dilate)
    n, c, h, w = x.shape
    oc, cg, kh, kw = W.shape
    oh = out_len(h, kh, sy, ph, cover_all, dy)
    ow = out_len(w, kw, sx, pw, cover_all, dx)
    xp = padded(x, (ph, pw), extra=(sy, sx))
    y = numpy.zeros((n, oc, oh, ow))
    per_group = oc // groups
    for o in range(oc):
        chans = slice(o // per_group * cg, (o // per_group + 1) * cg)
        for a in range(oh):
            for b in range(ow):
                for i in range(kh):
                    for j in range(kw):
                        pix = xp[:, chans, a * sy + i * dy, b * sx + j * dx]
                        y[:, o, a, b] += pix @ W[o, :, i, j]
    return y


def deconv2d(x, W, stride=1, pad=0, dilate=1, groups=1, outsize=None):
    """Scatters every input pixel times the kernel into the output (the transpose)."""
    (sy, sx), (ph, pw), (dy, dx) = _pair(stride), _pair(pad), _pair(dilate)
    n, c, h, w = x.shape
    _, ocg, kh, kw = W.shape
    if outsize is None:
        outsize = (sy * (h - 1) + dy * (kh - 1) + 1 - 2 * ph,
                   sx * (w - 1) + dx * (kw - 1) + 1 - 2 * pw)
    H, Wd = outsize
    big = numpy.zeros((n, ocg * groups, H + 2 * ph + sy * h + kh * dy,
                       Wd + 2 * pw + sx * w + kw * dx))
    cg = c // groups
    for ci in range(c):
        outs = slice(ci // cg * ocg, (ci // cg + 1) * ocg)
        for a in range(h):
            for b in range(w):
                for i in range(kh):
                    for j in range(kw):
                        big[:, outs, a * sy + i * dy, b * sx + j * dx] += \
                            x[:, ci, a, b][:, None] * W[ci, :, i, j][None, :]
    return big[:, :, ph:ph + H, pw:pw + Wd]


def conv2d_grad_w(x, gy, ksize, stride=1, pad=0, dilate=1, groups=1):
    (kh, kw), (sy, sx), (ph, pw), (dy, dx) = (_pair(ksize), _pair(stride), _pair(pad),
                                              _pair(dilate))
    n, c, h, w = x.shape
    _, oc, oh, ow = gy.shape
    cg, per_group = c // groups, oc // groups
    xp = padded(x, (ph, pw), extra=(sy * oh + kh * dy, sx * ow + kw * dx))
    gW = numpy.zeros((oc, cg, kh, kw))
    for o in range(oc):
        chans = slice(o // per_group * cg, (o // per_group + 1) * cg)
        for i in range(kh):
            for j in range(kw):
                for a in range(oh):
                    for b in range(ow):
                        pix = xp[:, chans, a * sy + i * dy, b * sx + j * dx]
                        gW[o, :, i, j] += gy[:, o, a, b] @ pix
    return gW


def _windows(x, ksize, stride, pad, cover_all, value):
    """Yields (a, b, window (N, C, kh*kw)) over the pooling windows of x."""
    (kh, kw), (sy, sx), (ph, pw) = _pair(ksize), _pair(stride), _pair(pad)
    n, c, h, w = x.shape
    oh = out_len(h, kh, sy, ph, cover_all)
    ow = out_len(w, kw, sx, pw, cover_all)
    xp = padded(x, (ph, pw), value, extra=(sy + kh, sx + kw))
    for a in range(oh):
        for b in range(ow):
            win = xp[:, :, a * sy:a * sy + kh, b * sx:b * sx + kw]
            yield a, b, win.reshape(n, c, kh * kw), (oh, ow)


def max_pool2d(x, ksize, stride, pad=0, cover_all=True):
    y = idx = None
    for a, b, win, (oh, ow) in _windows(x, ksize, stride, pad, cover_all, -numpy.inf):
        if y is None:
            y = numpy.zeros(x.shape[:2] + (oh, ow))
            idx = numpy.zeros(x.shape[:2] + (oh, ow), dtype=numpy.int32)
        y[:, :, a, b] = win.max(axis=2)
        idx[:, :, a, b] = win.argmax(axis=2)
    return y, idx


def avg_pool2d(x, ksize, stride, pad=0, cover_all=False):
    kh, kw = _pair(ksize)
    y = None
    for a, b, win, (oh, ow) in _windows(x, ksize, stride, pad, cover_all, 0.0):
        if y is None:
            y = numpy.zeros(x.shape[:2] + (oh, ow))
        y[:, :, a, b] = win.sum(axis=2) / (kh * kw)
    return y


def _scatter(gy, ksize, stride, pad, insize, weight):
    """gx[window (a, b)] += weight(a, b) (N, C, kh, kw); cropped to insize."""
    (kh, kw), (sy, sx), (ph, pw) = _pair(ksize), _pair(stride), _pair(pad)
    n, c, oh, ow = gy.shape
    h, w = insize
    big = numpy.zeros((n, c, h + 2 * ph + sy * oh + kh, w + 2 * pw + sx * ow + kw))
    for a in range(oh):
        for b in range(ow):
            big[:, :, a * sy:a * sy + kh, b * sx:b * sx + kw] += weight(a, b)
    return big[:, :, ph:ph + h, pw:pw + w]


def max_pool2d_grad(gy, indexes, ksize, stride, pad=0, insize=None):
    kh, kw = _pair(ksize)
    onehot = numpy.arange(kh * kw).reshape(1, 1, kh, kw)

    def weight(a, b):
        hit = indexes[:, :, a, b][:, :, None, None] == onehot
        return numpy.where(hit, gy[:, :, a, b][:, :, None, None], 0.0)
    return _scatter(gy, ksize, stride, pad, insize, weight)


def max_pool2d_gather(x, indexes, ksize, stride, pad=0):
    (kh, kw), (sy, sx), (ph, pw) = _pair(ksize), _pair(stride), _pair(pad)
    n, c, oh, ow = indexes.shape
    xp = padded(x, (ph, pw), extra=(sy * oh + kh, sx * ow + kw))
    y = numpy.zeros(indexes.shape)
    for a in range(oh):
        for b in range(ow):
            for ni in range(n):
                for ci in range(c):
                    i, j = divmod(int(indexes[ni, ci, a, b]), kw)
                    y[ni, ci, a, b] = xp[ni, ci, a * sy + i, b * sx + j]
    return y


def avg_pool2d_grad(gy, ksize, stride, pad=0, insize=None):
    kh, kw = _pair(ksize)

    def weight(a, b):
        return gy[:, :, a, b][:, :, None, None] / (kh * kw) * numpy.ones((kh, kw))
    return _scatter(gy, ksize, stride, pad, insize, weight)


def unpooling_2d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Every input value copied over its window; overlaps add up (Chainer's col2im)."""
    (kh, kw) = _pair(ksize)
    stride = _pair(ksize if stride is None else stride)
    (sy, sx), (ph, pw) = stride, _pair(pad)
    n, c, h, w = x.shape
    if outsize is None:
        shrink = (sy - 1, sx - 1) if cover_all else (0, 0)
        outsize = (sy * (h - 1) + kh - shrink[0] - 2 * ph, sx * (w - 1) + kw - shrink[1] - 2 * pw)

    def weight(a, b):
        return x[:, :, a, b][:, :, None, None] * numpy.ones((kh, kw))
    return _scatter(x, (kh, kw), stride, (ph, pw), outsize, weight)

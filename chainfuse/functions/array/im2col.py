from chainfuse.functions.array.stack import stack
from chainfuse.ops import array as A
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def im2col(x, ksize, stride=1, pad=0, cover_all=False, dilate=1):
    """The patches a 2-D convolution reads: x (N, C, H, W) -> (N, C * kh * kw, oh, ow),
    channel ``c * kh * kw + i * kw + j`` holding kernel offset (i, j) of channel c.

    Composed of movement ops: one strided slice of the padded x per kernel offset,
    stacked; the gradient adds the patches back (the slices' adjoints)."""
    if x.ndim != 4:
        raise OpTypeError('im2col', f'x must be (N, C, H, W), got shape {tuple(x.shape)}')
    kh, kw = conv.pair(ksize, 'ksize', 'im2col')
    sy, sx = conv.pair(stride, 'stride', 'im2col')
    ph, pw = conv.pair(pad, 'pad', 'im2col')
    dy, dx = conv.pair(dilate, 'dilate', 'im2col')
    n, c, h, w = x.shape
    oh = conv.conv_outsize(h, kh, sy, ph, cover_all, dy)
    ow = conv.conv_outsize(w, kw, sx, pw, cover_all, dx)
    if oh <= 0 or ow <= 0:
        raise OpTypeError('im2col', f'the kernel ({kh}, {kw}) does not fit the input '
                                    f'({h}, {w}) with pad ({ph}, {pw})')
    after_h = max((oh - 1) * sy + (kh - 1) * dy + 1 - h - ph, 0)
    after_w = max((ow - 1) * sx + (kw - 1) * dx + 1 - w - pw, 0)
    padded = A.pad(x, pad_width=((0, 0), (0, 0), (ph, after_h), (pw, after_w)))
    full = A.Slice(None, None, None)
    cols = [A.getitem(padded, key=(full, full,
                                   A.Slice(i * dy, i * dy + (oh - 1) * sy + 1, sy),
                                   A.Slice(j * dx, j * dx + (ow - 1) * sx + 1, sx)))
            for i in range(kh) for j in range(kw)]
    return A.reshape(stack(cols, axis=2), shape=(n, c * kh * kw, oh, ow))

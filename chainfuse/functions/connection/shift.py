from chainfuse.functions.array.concat import concat
from chainfuse.ops import array as A
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def shift(x, ksize=3, dilate=1):
    """The Shift operation (Wu et al.): the channels are split into kh * kw groups and
    group g is shifted by ``dilate * (offset_g - center)`` pixels (zeros shift in), the
    center group last, as in Chainer.  Pad, slices and a concat: no parameters, no FLOPs;
    the gradient shifts back."""
    kh, kw = conv.pair(ksize, 'ksize', 'shift')
    dy, dx = conv.pair(dilate, 'dilate', 'shift')
    if kh % 2 != 1 or kw % 2 != 1:
        raise ValueError(f'shift: ksize must be odd, got ({kh}, {kw})')
    if x.ndim != 4 or x.shape[1] < kh * kw:
        raise OpTypeError('shift', f'x must be (N, C, H, W) with C >= {kh * kw}, got '
                                   f'{tuple(x.shape)}')
    _, c, h, w = x.shape
    py, px = kh // 2 * abs(dy), kw // 2 * abs(dx)
    padded = A.pad(x, pad_width=((0, 0), (0, 0), (py, py), (px, px)))
    groups = kh * kw
    size = c // groups
    full = A.Slice(None, None, None)
    parts = []
    for i in range(groups):
        g = i
        if g == (groups - 1) // 2:          # the center group goes last
            g = groups - 1
        elif g == groups - 1:
            g = (groups - 1) // 2
        ky = g // kw - (py // abs(dy) if dy else 0)
        kx = g % kw - (px // abs(dx) if dx else 0)
        hs, ws = py - ky * dy, px - kx * dx
        stop = (i + 1) * size if i < groups - 1 else None
        parts.append(A.getitem(padded, key=(full, A.Slice(i * size, stop, None),
                                            A.Slice(hs, hs + h, None),
                                            A.Slice(ws, ws + w, None))))
    return concat(parts, axis=1)

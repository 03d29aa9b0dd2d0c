from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def local_response_normalization(x, n=5, k=2, alpha=1e-4, beta=.75):
    """Local response normalization across channels (Krizhevsky et al.):
    ``y_c = x_c / (k + alpha * sum_{|c' - c| <= n // 2} x_c'^2) ** beta``.

    The windowed sum of squares is n shifted slices of the channel-padded square, so
    the whole function is elementwise and movement ops (fused when compiled)."""
    if x.ndim < 2 or x.dtype.kind != 'f':
        raise OpTypeError('local_response_normalization', f'x must be a float array '
                                                          f'(N, C, ...), got {x.dtype.name} '
                                                          f'{tuple(x.shape)}')
    n = int(n)
    half = n // 2
    c = x.shape[1]
    sq = E.mul(x, x)
    widths = ((0, 0), (half, half)) + ((0, 0),) * (x.ndim - 2)
    padded = A.pad(sq, pad_width=widths) if half else sq
    full = A.Slice(None, None, None)
    total = None
    for j in range(2 * half + 1):
        part = A.getitem(padded, key=(full, A.Slice(j, j + c, None)))
        total = part if total is None else E.add(total, part)
    scale = E.add(E.mul(total, float(alpha)), float(k))
    return E.mul(x, E.pow(scale, -float(beta)))

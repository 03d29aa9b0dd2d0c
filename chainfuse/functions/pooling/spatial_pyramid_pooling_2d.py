import math

from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.array.concat import concat
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def spatial_pyramid_pooling_2d(x, pyramid_height, pooling=None, **kwargs):
    """Max pooling at pyramid_height levels of 1, 2, 4, ... bins per side, flattened and
    concatenated: (N, C * sum_h 4^h, 1, 1), whatever the input size (He et al.).  Level h
    pools with ``k = ceil(H / 2^h)``, stride k and pad ``(k 2^h - H) // 2`` (likewise for
    the width), as Chainer computes them."""
    if 'pooling_class' in kwargs:
        raise ValueError("spatial_pyramid_pooling_2d: pooling_class is not supported "
                         "anymore; use pooling='max'")
    if kwargs:
        v1_kwargs('spatial_pyramid_pooling_2d', kwargs)
    if pooling != 'max':
        raise ValueError(f"spatial_pyramid_pooling_2d: only pooling='max' is supported, got "
                         f'{pooling!r}')
    if x.ndim != 4:
        raise OpTypeError('spatial_pyramid_pooling_2d', f'x must be (N, C, H, W), got '
                                                        f'{tuple(x.shape)}')
    _, _, h, w = x.shape
    ys = []
    for level in range(int(pyramid_height)):
        bins = 2 ** level
        kh, kw = int(math.ceil(h / bins)), int(math.ceil(w / bins))
        y = max_pooling_2d(x, (kh, kw), stride=None,
                           pad=((kh * bins - h) // 2, (kw * bins - w) // 2), cover_all=True)
        n, c, yh, yw = y.shape
        ys.append(A.reshape(y, shape=(n, c * yh * yw, 1, 1)))
    return concat(ys, axis=1)

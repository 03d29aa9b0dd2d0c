from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.pooling._nd import max_pool_nd


def _max_pooling(fn, nd, x, ksize, stride, pad, cover_all, return_indices, kwargs):
    if kwargs:
        v1_kwargs(fn, kwargs)
    y, indexes = max_pool_nd(fn, x, ksize, stride, pad, cover_all, nd)
    if return_indices:
        return y, indexes.array
    return y


def max_pooling_nd(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False,
                   **kwargs):
    """Maximum over each window of x (N, C, d_1, ..., d_n); padding never wins.  `stride`
    defaults to `ksize`; ``cover_all`` keeps a last partial window.  With
    ``return_indices`` also the window-local C-order index of each max (int32)."""
    return _max_pooling('max_pooling_nd', None, x, ksize, stride, pad, cover_all,
                        return_indices, kwargs)


def max_pooling_1d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False,
                   **kwargs):
    """`max_pooling_nd` for x (N, C, L)."""
    return _max_pooling('max_pooling_1d', 1, x, ksize, stride, pad, cover_all,
                        return_indices, kwargs)


def max_pooling_3d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False,
                   **kwargs):
    """`max_pooling_nd` for x (N, C, D, H, W)."""
    return _max_pooling('max_pooling_3d', 3, x, ksize, stride, pad, cover_all,
                        return_indices, kwargs)

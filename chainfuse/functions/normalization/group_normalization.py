from chainfuse.functions.normalization._precision import cast_all, cast_back, compute_dtype
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def group_normalization(x, groups, gamma, beta, eps=1e-5):
    """Group normalization (Wu and He): the channels of each sample are split into
    `groups`, each group normalized by its own mean and (biased) variance, then scaled
    and shifted per channel: gamma and beta are (C,)."""
    if not isinstance(groups, int):
        raise TypeError(f'group_normalization: groups must be an int, got '
                        f'{type(groups).__name__}')
    if x.ndim < 2 or x.dtype.kind != 'f':
        raise OpTypeError('group_normalization', f'x must be a float array (N, C, ...), got '
                                                 f'{x.dtype.name} {tuple(x.shape)}')
    n, c = x.shape[:2]
    if c % groups:
        raise ValueError(f'group_normalization: the number of channels {c} is not divisible '
                         f'by groups {groups}')
    for what, v in (('gamma', gamma), ('beta', beta)):
        if tuple(v.shape) != (c,):
            raise OpTypeError('group_normalization', f'{what} must have shape ({c},), got '
                                                     f'{tuple(v.shape)}')
    dtype = x.dtype
    shape = tuple(x.shape)
    x, gamma, beta = cast_all(compute_dtype(dtype), x, gamma, beta)
    rows = A.reshape(x, shape=(n * groups, x.size // max(n * groups, 1)))
    m = float(rows.shape[1])
    centered = E.sub(rows, E.div(R.sum(rows, axis=(1,), keepdims=True), m))
    var = E.div(R.sum(E.mul(centered, centered), axis=(1,), keepdims=True), m)
    normalized = A.reshape(E.mul(centered, E.rsqrt(E.add(var, float(eps)))),
                           shape=(n, c, rows.size // max(n * c, 1)))
    y = E.add(E.mul(normalized, A.reshape(gamma, shape=(1, c, 1))),
              A.reshape(beta, shape=(1, c, 1)))
    return cast_back(A.reshape(y, shape=shape), dtype)

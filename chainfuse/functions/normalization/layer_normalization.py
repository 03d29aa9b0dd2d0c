from chainfuse.functions.normalization._precision import cast_all, cast_back, compute_dtype
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def layer_normalization(x, gamma, beta, eps=1e-5):
    """Normalizes each sample over its features, then scales and shifts.

    x is (N, D) (Chainer's form) or (N, ...), whose non-batch axes are flattened into D;
    gamma and beta have D elements (shape (D,) or x.shape[1:]).  Per row:
    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the biased variance
    (float16 computed in float32).
    """
    if x.dtype.kind != 'f' or x.ndim < 2:
        raise OpTypeError('layer_normalization', f'x must be a float array of ndim >= 2, '
                                                 f'got {x.dtype.name} {tuple(x.shape)}')
    n = x.shape[0]
    d = x.size // max(n, 1) if n else 0
    for what, v in (('gamma', gamma), ('beta', beta)):
        if v.size != d or tuple(v.shape) not in ((d,), tuple(x.shape[1:])):
            raise OpTypeError('layer_normalization', f'{what} must have shape ({d},) for x '
                                                     f'of shape {tuple(x.shape)}, got '
                                                     f'{tuple(v.shape)}')
    dtype = x.dtype
    shape = tuple(x.shape)
    x, gamma, beta = cast_all(compute_dtype(dtype), x, gamma, beta)
    rows = x if x.ndim == 2 else A.reshape(x, shape=(n, d))
    mean = E.div(R.sum(rows, axis=(1,), keepdims=True), float(d))
    centered = E.sub(rows, mean)
    var = E.div(R.sum(E.mul(centered, centered), axis=(1,), keepdims=True), float(d))
    normalized = E.mul(centered, E.rsqrt(E.add(var, float(eps))))
    y = E.add(E.mul(normalized, A.reshape(gamma, shape=(1, d))), A.reshape(beta, shape=(1, d)))
    return cast_back(y if len(shape) == 2 else A.reshape(y, shape=shape), dtype)

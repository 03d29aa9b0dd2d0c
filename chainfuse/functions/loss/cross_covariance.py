from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError

_REDUCES = ('half_squared_sum', 'no')


def centered(name, v):
    if v.ndim != 2 or v.dtype.kind != 'f':
        raise OpTypeError(name, f'inputs must be float matrices (N, D), got {v.dtype.name} '
                                f'{tuple(v.shape)}')
    return E.sub(v, E.div(R.sum(v, axis=(0,), keepdims=True), float(max(v.shape[0], 1))))


def half_squared_sum(name, matrix, reduce):
    if reduce not in _REDUCES:
        raise ValueError(f"{name}: only 'half_squared_sum' and 'no' are valid for reduce, "
                         f'got {reduce!r}')
    if reduce == 'no':
        return matrix
    return E.mul(R.sum(E.mul(matrix, matrix)), 0.5)


def cross_covariance(y, z, reduce='half_squared_sum'):
    """Cross-covariance of the columns of y (N, Dy) and z (N, Dz) over the batch,
    ``C = (y - mean)^T (z - mean) / N``; ``'half_squared_sum'`` returns
    ``sum(C^2) / 2`` (Cheung et al.), ``'no'`` the matrix."""
    if y.shape[0] != z.shape[0]:
        raise OpTypeError('cross_covariance', f'y and z must have the same batch size, got '
                                              f'{tuple(y.shape)} and {tuple(z.shape)}')
    cov = E.div(linalg.matmul(centered('cross_covariance', y), centered('cross_covariance', z),
                              transa=True), float(max(y.shape[0], 1)))
    return half_squared_sum('cross_covariance', cov, reduce)

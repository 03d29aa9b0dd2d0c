from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def _check(fn, a, ndim):
    if a.ndim != ndim or a.shape[-1] != a.shape[-2]:
        shape = '(n, n)' if ndim == 2 else '(batch, n, n)'
        raise OpTypeError(fn, f'a must have shape {shape}, got {tuple(a.shape)}')


def det(a):
    """Determinant of one square matrix (a 0-d result); its gradient is
    ``det(a) inv(a)^T``."""
    _check('det', a, 2)
    return linalg.det(a)


def batch_det(a):
    """Determinants of a batch of square matrices (batch, n, n) -> (batch,)."""
    _check('batch_det', a, 3)
    return linalg.det(a)

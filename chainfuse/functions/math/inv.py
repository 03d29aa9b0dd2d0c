from chainfuse.functions.math.det import _check
from chainfuse.ops import linalg


def inv(a):
    """Inverse of one square matrix; its gradient is ``-inv(a)^T gy inv(a)^T``.  A
    singular matrix raises numpy's LinAlgError."""
    _check('inv', a, 2)
    return linalg.inv(a)


def batch_inv(a):
    """Inverses of a batch of square matrices (batch, n, n)."""
    _check('batch_inv', a, 3)
    return linalg.inv(a)

from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def batch_l2_norm_squared(x):
    """Squared L2 norm of each sample: x (B, ...) -> (B,)."""
    if x.ndim < 1:
        raise OpTypeError('batch_l2_norm_squared', 'x must have a batch axis, got a 0-d array')
    b = x.shape[0]
    flat = A.reshape(x, shape=(b, x.size // b if b else 0))
    return R.sum(E.mul(flat, flat), axis=(1,))

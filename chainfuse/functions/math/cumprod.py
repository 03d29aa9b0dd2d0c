from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def cumprod(x, axis=None):
    """Running product along `axis` (None: of the flattened x).  The gradient needs no
    division by x (zeros are fine): it is a running "multiply, then add" of the output
    gradient from the other end (the ``cumprodsum`` op), as Chainer computes it."""
    if x.dtype.kind != 'f':
        raise OpTypeError('cumprod', f'x must be a floating-point array, got {x.dtype.name}')
    if axis is None or x.ndim == 0:
        x = A.reshape(x, shape=(x.size,))
        axis = 0
    return R.cumprod(x, axis=check_axis('cumprod', axis, x.ndim))

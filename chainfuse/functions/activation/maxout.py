from chainfuse.ops import array as A
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def maxout(x, pool_size, axis=1):
    """Maximum over groups of `pool_size` consecutive units along `axis`.

    The axis of length C is reshaped into ``(C // pool_size, pool_size)`` and the max is
    taken over the second of the two; the output has C // pool_size units there.
    """
    pool_size = int(pool_size)
    if pool_size <= 0:
        raise ValueError(f'maxout: pool_size must be positive, got {pool_size}')
    if not -x.ndim <= axis < x.ndim:
        raise OpTypeError('maxout', f'axis {axis} is out of bounds for x of shape '
                                    f'{tuple(x.shape)}')
    axis = int(axis) % x.ndim
    channels = x.shape[axis]
    if channels % pool_size:
        raise OpTypeError('maxout', f'x.shape[{axis}] = {channels} is not a multiple of '
                                    f'pool_size = {pool_size} (x shape {tuple(x.shape)})')
    shape = tuple(x.shape[:axis]) + (channels // pool_size, pool_size) + \
        tuple(x.shape[axis + 1:])
    return R.max(A.reshape(x, shape=shape), axis=(axis + 1,))

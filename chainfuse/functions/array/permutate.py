from chainfuse.core.variable import Variable
from chainfuse.functions._util import array_module, check_axis
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def permutate(x, indices, axis=0, inv=False):
    """Reorders x along `axis`: ``y[i] = x[indices[i]]`` (with ``inv``: ``y[indices[i]] =
    x[i]``).  indices must be a permutation of range(x.shape[axis]) (an int array)."""
    axis = check_axis('permutate', axis, x.ndim)
    if indices.dtype.kind not in 'iu' or indices.ndim != 1:
        raise OpTypeError('permutate', f'indices must be a 1-D integer array, got '
                                       f'{indices.dtype.name} of shape {tuple(indices.shape)}')
    if inv:
        values = indices.array if isinstance(indices, Variable) else indices
        indices = array_module(values).argsort(values).astype(values.dtype)
    return A.take(x, indices, axis=axis)

import numpy

from chainfuse.core.variable import as_variable
from chainfuse.ops import array as A


def reshape(x, shape):
    """x with a new shape of the same size; one entry may be -1 (inferred), as numpy."""
    if isinstance(shape, (int, numpy.integer)):
        shape = (shape,)
    shape = A.resolve_shape(shape, x.size)
    if tuple(x.shape) == shape:
        return as_variable(x)
    return A.reshape(x, shape=shape)

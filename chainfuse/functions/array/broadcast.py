import numpy

from chainfuse.core.variable import as_variable
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def broadcast_to(x, shape):
    """x broadcast to `shape` (numpy rules); the gradient is summed back (sum_to)."""
    shape = (int(shape),) if isinstance(shape, (int, numpy.integer)) else \
        tuple(int(s) for s in shape)
    if tuple(x.shape) == shape:
        return as_variable(x)
    return A.broadcast_to(x, shape=shape)


def broadcast(*args):
    """Broadcasts every argument to their common shape.  Returns a tuple of Variables, or
    the single Variable when given one argument."""
    if not args:
        raise ValueError('broadcast: needs at least one argument')
    if len(args) == 1:
        return as_variable(args[0])
    try:
        shape = numpy.broadcast_shapes(*[tuple(a.shape) for a in args])
    except ValueError:
        shown = ', '.join(str(tuple(a.shape)) for a in args)
        raise OpTypeError('broadcast', f'shapes {shown} cannot be broadcast together') from None
    return tuple(broadcast_to(a, shape) for a in args)

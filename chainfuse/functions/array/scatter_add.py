from chainfuse.config import force_backprop_mode
from chainfuse.core.backprop import grad
from chainfuse.core.variable import Variable
from chainfuse.functions._util import array_module
from chainfuse.functions.array.get_item import get_item
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E


def scatter_add(a, slices, b):
    """A copy of `a` with `b` added at ``a[slices]`` (repeated integer indices accumulate,
    like ``numpy.add.at``); b is broadcast to the shape of ``a[slices]``.

    The scatter is the adjoint of `get_item`: the backward graph of ``get_item(z,
    slices)`` applied to b (getitem_grad / take_grad ops), so it is differentiable in a
    and b to any order and traces like any op."""
    xp = array_module(a)
    probe = Variable(xp.zeros(tuple(a.shape), dtype=a.dtype))
    with force_backprop_mode():
        picked = get_item(probe, slices)
        b = b if b.dtype == a.dtype else E.astype(b, dtype=a.dtype)
        if tuple(b.shape) != tuple(picked.shape):
            b = A.broadcast_to(b, shape=tuple(picked.shape))
        if not isinstance(b, Variable):
            b = Variable(b, requires_grad=False)
        scattered, = grad([picked], [probe], grad_outputs=[b], enable_double_backprop=True)
    return E.add(a, scattered)

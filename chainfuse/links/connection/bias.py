"""L.Bias: adds a learned bias broadcast along the axes from `axis` on."""
from chainfuse import functions as F
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class Bias(Link):
    """``Bias(axis=1, shape=None)``: ``y = x + b`` with b of `shape` aligned at `axis`.

    Without `shape`, the bias is not a parameter and is passed as the second input:
    ``link(x, b)``.
    """

    def __init__(self, axis=1, shape=None):
        super().__init__()
        if shape is not None and not isinstance(shape, tuple):
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.axis = axis
        if shape is not None:
            with self.init_scope():
                self.b = Parameter(0, shape)

    def forward(self, *xs):
        x = xs[0]
        self._check_input_device(x)
        y = xs[1] if len(xs) > 1 else self.b
        return F.bias(x, y, self.axis)

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class PReLU(Link):
    """``PReLU(shape=(), init=0.25)``: parametric ReLU with a learned slope W of `shape`
    (broadcast over the batch axis and the trailing axes, see ``F.prelu``)."""

    def __init__(self, shape=(), init=0.25):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(init), shape)

    def forward(self, x):
        return F.prelu(x, self.W)

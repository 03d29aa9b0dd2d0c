from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class Swish(Link):
    """``Swish(beta_shape, beta_init=1.0)``: ``x * sigmoid(beta * x)`` with a learned
    beta; ``beta_shape=None`` takes ``x.shape[1:]`` at the first call."""

    def __init__(self, beta_shape, beta_init=1.0):
        super().__init__()
        with self.init_scope():
            init = initializers._get_initializer(beta_init)
            if beta_shape is not None:
                self.beta = Parameter(init, beta_shape)
            else:
                self.beta = Parameter(init)

    def forward(self, x):
        if not self.beta.is_initialized:
            self.beta.initialize(tuple(x.shape[1:]))
        return F.swish(x, self.beta)

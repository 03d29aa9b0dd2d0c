"""L.LayerNormalization: normalizes each sample over its features, then scales and shifts."""
import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class LayerNormalization(Link):
    """``LayerNormalization(size=None, eps=1e-6, initial_gamma=None, initial_beta=None)``.

    gamma (default 1) and beta (default 0) have shape (size,); with size None it is
    the number of features of the first input (the product of the non-batch axes).
    """

    def __init__(self, size=None, eps=1e-6, initial_gamma=None, initial_beta=None):
        super().__init__()
        self.eps = eps
        with self.init_scope():
            self.gamma = Parameter(initializers._get_initializer(
                1 if initial_gamma is None else initial_gamma))
            self.beta = Parameter(initializers._get_initializer(
                0 if initial_beta is None else initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _initialize_params(self, size):
        self.gamma.initialize(size)
        self.beta.initialize(size)

    def forward(self, x):
        self._check_input_device(x)
        if not self.gamma.is_initialized:
            self._initialize_params(int(numpy.prod(x.shape[1:], dtype=numpy.int64)))
        return F.layer_normalization(x, self.gamma, self.beta, eps=self.eps)

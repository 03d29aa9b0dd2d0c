"""L.Linear: the fully connected layer ``y = x W^T + b``."""
import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class Linear(Link):
    """Linear layer with weight W of shape (out_size, in_size) and bias b of shape (out_size,).

    Args:
        in_size: input size; None (or ``Linear(out_size)``) leaves W uninitialized
            until the first call, which takes it from the input's shape.
        out_size: output size.
        nobias: no bias when True.
        initialW: initializer, array or scalar for W (default LeCunNormal).
        initial_bias: initializer, array or scalar for b (default 0).
    """

    def __init__(self, in_size, out_size=None, nobias=False, initialW=None, initial_bias=None):
        super().__init__()
        if out_size is None:
            in_size, out_size = None, in_size
        self.in_size = _args.size('Linear', 'in_size', in_size, optional=True)
        self.out_size = _args.size('Linear', 'out_size', out_size)
        self.nobias = nobias
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            if nobias:
                self.b = None
            else:
                bias_init = initializers._get_initializer(
                    0 if initial_bias is None else initial_bias)
                self.b = Parameter(bias_init, out_size)

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))

    @property
    def printable_specs(self):
        yield 'in_size', self.in_size
        yield 'out_size', self.out_size
        yield 'nobias', self.nobias

    def forward(self, x, n_batch_axes=1):
        """Applies the layer; the first `n_batch_axes` axes of x are batch axes."""
        self._check_input_device(x)
        if not self.W.is_initialized:
            in_size = int(numpy.prod(x.shape[n_batch_axes:], dtype=numpy.int64))
            self._initialize_params(in_size)
        return F.linear(x, self.W, self.b, n_batch_axes=n_batch_axes)

"""L.Maxout: a Linear layer to out_size * pool_size units, then the max of each pool."""

from chainfuse import backend
from chainfuse import functions as F
from chainfuse.links.connection import _args
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


class Maxout(Chain):
    """``Maxout(in_size, out_size, pool_size, initialW=None, initial_bias=0)``.

    The child ``linear`` has out_size * pool_size outputs; output unit ``o`` is the
    max over linear units ``o * pool_size .. o * pool_size + pool_size - 1``.  An
    array initialW may have shape (out_size, pool_size, in_size); an array
    initial_bias shape (out_size, pool_size); ``initial_bias=None`` means no bias.
    """

    def __init__(self, in_size, out_size, pool_size, initialW=None, initial_bias=0):
        super().__init__()
        _args.size('Maxout', 'in_size', in_size, optional=True)
        out_size = _args.size('Maxout', 'out_size', out_size)
        pool_size = _args.size('Maxout', 'pool_size', pool_size)
        linear_out = out_size * pool_size
        if backend.is_array(initialW) and initialW.ndim == 3:
            initialW = initialW.reshape(linear_out, initialW.shape[2])
        if backend.is_array(initial_bias):
            if tuple(initial_bias.shape) != (out_size, pool_size):
                raise ValueError(f'Maxout: initial_bias must have shape '
                                 f'{(out_size, pool_size)}, got {initial_bias.shape}')
            initial_bias = initial_bias.reshape(linear_out)
        self.out_size = out_size
        self.pool_size = pool_size
        with self.init_scope():
            self.linear = Linear(in_size, linear_out, nobias=initial_bias is None,
                                 initialW=initialW, initial_bias=initial_bias)

    def forward(self, x):
        return F.maxout(self.linear(x), self.pool_size)

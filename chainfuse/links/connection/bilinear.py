from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class Bilinear(Link):
    """``Bilinear(left_size, right_size, out_size, nobias=False, initialW=None,
    initial_bias=None)``: W (left, right, out) and, unless nobias, V1 (left, out),
    V2 (right, out), b (out,); ``initial_bias`` is None or a tuple (V1, V2, b) of
    initializers.  ``link(e1, e2)`` is ``F.bilinear``."""

    def __init__(self, left_size, right_size, out_size, nobias=False, initialW=None,
                 initial_bias=None):
        super().__init__()
        self.in_sizes = (left_size, right_size)
        self.nobias = nobias
        get = initializers._get_initializer
        with self.init_scope():
            self.W = Parameter(get(initialW), (left_size, right_size, out_size))
            if not nobias:
                if isinstance(initial_bias, tuple):
                    v1, v2, b = (get(v) for v in initial_bias)
                elif initial_bias is None:
                    v1, v2, b = get(None), get(None), get(0)
                else:
                    raise ValueError('Bilinear: initial_bias must be a tuple (V1, V2, b) or '
                                     f'None, got {type(initial_bias).__name__}')
                self.V1 = Parameter(v1, (left_size, out_size))
                self.V2 = Parameter(v2, (right_size, out_size))
                self.b = Parameter(b, (out_size,))

    def forward(self, e1, e2):
        if self.nobias:
            return F.bilinear(e1, e2, self.W)
        return F.bilinear(e1, e2, self.W, self.V1, self.V2, self.b)

    def zero_grads(self):
        self.zerograds()

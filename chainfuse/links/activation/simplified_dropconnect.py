import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class SimplifiedDropconnect(Link):
    """``SimplifiedDropconnect(in_size, out_size, ratio=.5, nobias=False, initialW=None,
    initial_bias=None)``: a Linear layer with DropConnect (``F.simplified_dropconnect``);
    W defaults to ``HeNormal(1 / sqrt(2))`` as in Chainer."""

    def __init__(self, in_size, out_size, ratio=.5, nobias=False, initialW=None,
                 initial_bias=None):
        super().__init__()
        self.out_size = out_size
        self.ratio = ratio
        if initialW is None:
            initialW = initializers.HeNormal(1. / numpy.sqrt(2))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            self.b = _args.bias_parameter(nobias, initial_bias, out_size)

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))

    def forward(self, x, train=True, mask=None, use_batchwise_mask=True):
        if not self.W.is_initialized:
            self._initialize_params(x.size // x.shape[0])
        return F.simplified_dropconnect(x, self.W, self.b, self.ratio, train, mask,
                                        use_batchwise_mask)

import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.config import config
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class GroupNormalization(Link):
    """``GroupNormalization(groups, size=None, eps=1e-5, initial_gamma=None,
    initial_beta=None)``: gamma (1) and beta (0) of shape (C,), created from the first
    input when size is None (float32 for float16 configs, as Chainer)."""

    def __init__(self, groups, size=None, eps=1e-5, initial_gamma=None, initial_beta=None):
        super().__init__()
        dtype = numpy.dtype(config.dtype)
        dtype = numpy.dtype(numpy.float32) if dtype == numpy.float16 else dtype
        with self.init_scope():
            self.groups = groups
            self.gamma = Parameter(self._init(1 if initial_gamma is None else initial_gamma,
                                              dtype))
            self.beta = Parameter(self._init(0 if initial_beta is None else initial_beta,
                                             dtype))
            self.eps = eps
        if size is not None:
            self._initialize_params(size)

    @staticmethod
    def _init(spec, dtype):
        init = initializers._get_initializer(spec)
        if getattr(init, 'dtype', None) is None:
            try:
                init.dtype = dtype
            except AttributeError:  # pragma: no cover - a read-only custom initializer
                pass
        return init

    def _initialize_params(self, size):
        self.gamma.initialize(size)
        self.beta.initialize(size)

    def forward(self, x):
        if not self.gamma.is_initialized:
            if x.ndim < 2:
                raise ValueError('GroupNormalization: the input must have at least 2 axes '
                                 f'(batch, channels, ...), got shape {tuple(x.shape)}')
            self._initialize_params(x.shape[1])
        return F.group_normalization(x, self.groups, self.gamma, self.beta, self.eps)

import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class DepthwiseConvolution2D(Link):
    """``DepthwiseConvolution2D(in_channels, channel_multiplier, ksize, stride=1, pad=0,
    nobias=False, initialW=None, initial_bias=None)``: W (multiplier, in, kh, kw),
    b (in * multiplier,); W defaults to ``HeNormal(1 / sqrt(2))`` as in Chainer."""

    def __init__(self, in_channels, channel_multiplier, ksize, stride=1, pad=0,
                 nobias=False, initialW=None, initial_bias=None):
        super().__init__()
        who = 'DepthwiseConvolution2D'
        _args.size(who, 'in_channels', in_channels, optional=True)
        self.channel_multiplier = _args.size(who, 'channel_multiplier', channel_multiplier)
        self.ksize = _args.pair(who, 'ksize', ksize, 1)
        self.stride = _args.pair(who, 'stride', stride, 1)
        self.pad = _args.pair(who, 'pad', pad, 0)
        self.nobias = nobias
        if initialW is None:
            initialW = initializers.HeNormal(1. / numpy.sqrt(2))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            self.b = _args.bias_parameter(nobias, initial_bias, None)
        if in_channels is not None:
            self._initialize_params(in_channels)

    def _initialize_params(self, in_channels):
        self.W.initialize((self.channel_multiplier, in_channels) + self.ksize)
        if self.b is not None:
            self.b.initialize(self.channel_multiplier * in_channels)

    def forward(self, x):
        self._check_input_device(x)
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1])
        return F.depthwise_convolution_2d(x, self.W, self.b, self.stride, self.pad)

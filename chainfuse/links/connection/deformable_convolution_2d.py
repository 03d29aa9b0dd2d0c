from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.link import Chain, Link


class DeformableConvolution2DSampler(Link):
    """The deformable part: W (out, in, kh, kw), initially 0, and b; ``link(x, offset)``
    is ``F.deformable_convolution_2d_sampler``."""

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None):
        super().__init__()
        who = 'DeformableConvolution2DSampler'
        self.ksize = _args.pair(who, 'ksize', ksize, 1)
        self.stride = _args.pair(who, 'stride', stride, 1)
        self.pad = _args.pair(who, 'pad', pad, 0)
        self.out_channels = out_channels
        self.initialW = initialW
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(
                initializers.Zero() if initialW is None else initialW))
            self.b = _args.bias_parameter(nobias, initial_bias, None)
        if in_channels is not None:
            self._initialize_params(in_channels)

    def _initialize_params(self, in_channels):
        self.W.initialize((self.out_channels, in_channels) + self.ksize)
        if self.b is not None:
            self.b.initialize(self.out_channels)

    def forward(self, x, offset):
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1])
        return F.deformable_convolution_2d_sampler(x, offset, self.W, self.b, self.stride,
                                                   self.pad)


class DeformableConvolution2D(Chain):
    """``DeformableConvolution2D(in_channels, out_channels, ksize, stride=1, pad=0,
    offset_nobias=False, offset_initialW=None, offset_initial_bias=None,
    deform_nobias=False, deform_initialW=None, deform_initial_bias=None)``: a
    Convolution2D ``offset_conv`` predicts the 2 kh kw offsets, ``deform_conv`` samples
    and convolves (Dai et al.)."""

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0,
                 offset_nobias=False, offset_initialW=None, offset_initial_bias=None,
                 deform_nobias=False, deform_initialW=None, deform_initial_bias=None):
        super().__init__()
        kh, kw = _args.pair('DeformableConvolution2D', 'ksize', ksize, 1)
        with self.init_scope():
            self.offset_conv = Convolution2D(in_channels, 2 * kh * kw, ksize, stride, pad,
                                             offset_nobias, offset_initialW,
                                             offset_initial_bias)
            self.deform_conv = DeformableConvolution2DSampler(
                in_channels, out_channels, ksize, stride, pad, deform_nobias,
                deform_initialW, deform_initial_bias)

    def forward(self, x):
        return self.deform_conv(x, self.offset_conv(x))

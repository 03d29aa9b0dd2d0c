from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class LocalConvolution2D(Link):
    """``LocalConvolution2D(in_channels, out_channels, in_size=None, ksize=None, stride=1,
    nobias=False, initialW=None, initial_bias=None)``: unshared weights W (out, oh, ow,
    in, kh, kw) and b (out, oh, ow), with ``oh = in_h - kh + 1`` (Chainer's sizes; the
    parameters are created at the first call when in_channels or in_size is None)."""

    def __init__(self, in_channels, out_channels, in_size=None, ksize=None, stride=1,
                 nobias=False, initialW=None, initial_bias=None, **kwargs):
        super().__init__()
        if kwargs:
            raise TypeError(f'LocalConvolution2D() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        who = 'LocalConvolution2D'
        self.ksize = _args.pair(who, 'ksize', ksize, 1)
        self.stride = _args.pair(who, 'stride', stride, 1)
        self.nobias = nobias
        self.out_channels = _args.size(who, 'out_channels', out_channels)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            self.b = _args.bias_parameter(nobias, initial_bias, None)
            if in_channels is not None and in_size is not None:
                self._initialize_params(in_channels, _args.pair(who, 'in_size', in_size, 1))

    def _initialize_params(self, in_channels, in_size):
        kh, kw = self.ksize
        oh, ow = in_size[0] - kh + 1, in_size[1] - kw + 1
        self.W.initialize((self.out_channels, oh, ow, in_channels, kh, kw))
        if self.b is not None:
            self.b.initialize((self.out_channels, oh, ow))

    def forward(self, x):
        self._check_input_device(x)
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1], tuple(x.shape[2:]))
        return F.local_convolution_2d(x, self.W, self.b, self.stride)

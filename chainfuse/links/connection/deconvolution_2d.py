"""L.Deconvolution2D: transposed 2-D convolution with weight (in, out / groups, kh, kw)."""
from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.connection.convolution_2d import _pair, parse_conv_kwargs
from chainfuse.links.link import Link


class Deconvolution2D(Link):
    """Two-dimensional deconvolution (the transpose of Convolution2D).

    ``Deconvolution2D(in_channels, out_channels, ksize, stride=1, pad=0, nobias=False,
    outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1)``;
    ``in_channels`` may be None (taken from the first input).  W has shape
    (in_channels, out_channels // groups, kh, kw).
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, **kwargs):
        super().__init__()
        dilate, groups = parse_conv_kwargs('Deconvolution2D', kwargs)
        if ksize is None:
            out_channels, ksize, in_channels = in_channels, out_channels, None
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = ksize
        self.stride, self.pad, self.dilate = _args.conv(
            'Deconvolution2D', in_channels, out_channels, ksize, stride, pad, dilate, groups)
        self.groups = groups
        self.outsize = (None, None) if outsize is None else outsize
        self.nobias = nobias
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            if nobias:
                self.b = None
            else:
                bias_init = initializers._get_initializer(
                    0 if initial_bias is None else initial_bias)
                self.b = Parameter(bias_init, out_channels)

    def _initialize_params(self, in_channels):
        kh, kw = _pair(self.ksize)
        if self.out_channels % self.groups != 0:
            raise ValueError(f'Deconvolution2D: out_channels={self.out_channels} is not '
                             f'divisible by groups={self.groups}')
        if in_channels % self.groups != 0:
            raise ValueError(f'Deconvolution2D: in_channels={in_channels} is not divisible '
                             f'by groups={self.groups}')
        self.W.initialize((in_channels, self.out_channels // self.groups, kh, kw))

    @property
    def printable_specs(self):
        for name in ('in_channels', 'out_channels', 'ksize', 'stride', 'pad', 'nobias',
                     'outsize', 'dilate', 'groups'):
            yield name, getattr(self, name)

    def forward(self, x):
        self._check_input_device(x)
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1])
        outsize = None if self.outsize == (None, None) else self.outsize
        return F.deconvolution_2d(x, self.W, self.b, self.stride, self.pad, outsize,
                                  dilate=self.dilate, groups=self.groups)

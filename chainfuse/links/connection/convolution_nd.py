"""L.ConvolutionND (and Convolution1D, Convolution3D): W (out, in / groups, k_1..k_n)."""
from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.connection._nd import tuple_arg
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class NDLink(Link):
    """What ConvolutionND and DeconvolutionND share: the arguments, W (created from the
    first input when in_channels is None) and the bias; `w_shape` orders W's axes."""

    def __init__(self, ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                 initialW, initial_bias, dilate, groups, kwargs=None):
        super().__init__()
        who = type(self).__name__
        if kwargs:
            v1_kwargs(who, kwargs)
        if ksize is None:
            out_channels, ksize, in_channels = in_channels, out_channels, None
        _args.size(who, 'in_channels', in_channels, optional=True)
        self.out_channels = _args.size(who, 'out_channels', out_channels)
        self.ksize = tuple_arg(who, 'ksize', ksize, ndim, 1)
        self.stride = stride
        self.pad = pad
        self.dilate = tuple_arg(who, 'dilate', dilate, ndim, 1)
        self.groups = _args.size(who, 'groups', int(groups))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            self.b = _args.bias_parameter(nobias, initial_bias, out_channels)

    def w_shape(self, in_channels):  # pragma: no cover - abstract
        raise NotImplementedError

    def _initialize_params(self, in_channels):
        who = type(self).__name__
        if self.out_channels % self.groups or in_channels % self.groups:
            raise ValueError(f'{who}: in_channels={in_channels} and out_channels='
                             f'{self.out_channels} must be divisible by groups={self.groups}')
        self.W.initialize(self.w_shape(in_channels))

    def _check_and_init(self, x):
        self._check_input_device(x)
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1])


class ConvolutionND(NDLink):
    """``ConvolutionND(ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
    nobias=False, initialW=None, initial_bias=None, cover_all=False, dilate=1,
    groups=1)``; ``ConvolutionND(ndim, out_channels, ksize)`` (or in_channels None) takes
    the input channels from the first batch."""

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 nobias=False, initialW=None, initial_bias=None, cover_all=False, dilate=1,
                 groups=1, **kwargs):
        super().__init__(ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                         initialW, initial_bias, dilate, groups, kwargs)
        self.cover_all = cover_all

    def w_shape(self, in_channels):
        return (self.out_channels, in_channels // self.groups) + self.ksize

    def forward(self, x):
        self._check_and_init(x)
        return F.convolution_nd(x, self.W, self.b, self.stride, self.pad,
                                cover_all=self.cover_all, dilate=self.dilate,
                                groups=self.groups)


class Convolution1D(ConvolutionND):
    """`ConvolutionND` with ndim 1."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
                         initial_bias, cover_all, dilate, groups)


class Convolution3D(ConvolutionND):
    """`ConvolutionND` with ndim 3."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
                         initial_bias, cover_all, dilate, groups)

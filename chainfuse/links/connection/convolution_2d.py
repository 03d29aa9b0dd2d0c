"""L.Convolution2D: 2-D convolution layer with weight (out, in / groups, kh, kw)."""
from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.functions._util import v1_kwargs
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


def _pair(x):
    if hasattr(x, '__getitem__'):
        return tuple(int(v) for v in x)
    return int(x), int(x)


def parse_conv_kwargs(who, kwargs):
    """dilate and groups keyword arguments (Chainer passes them by keyword only); Chainer
    v1's cuDNN flags are accepted (``use_cudnn=`` with a DeprecationWarning)."""
    dilate = kwargs.pop('dilate', 1)
    groups = kwargs.pop('groups', 1)
    kwargs.pop('deterministic', None)  # Chainer v1 cuDNN flag: chainfuse is deterministic
    kwargs.pop('cudnn_fast', None)
    if kwargs:
        v1_kwargs(who, kwargs)
    return dilate, int(groups)


class Convolution2D(Link):
    """Two-dimensional convolution.

    ``Convolution2D(in_channels, out_channels, ksize, stride=1, pad=0, nobias=False,
    initialW=None, initial_bias=None, dilate=1, groups=1)``; ``in_channels`` may be None
    (or omitted: ``Convolution2D(out_channels, ksize)``) and is then taken from the
    first input.  W has shape (out_channels, in_channels // groups, kh, kw).
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, **kwargs):
        super().__init__()
        dilate, groups = parse_conv_kwargs(type(self).__name__, kwargs)
        if ksize is None:
            out_channels, ksize, in_channels = in_channels, out_channels, None
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = ksize
        self.stride, self.pad, self.dilate = _args.conv(
            'Convolution2D', in_channels, out_channels, ksize, stride, pad, dilate, groups)
        self.groups = groups
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
            raise ValueError(f'Convolution2D: out_channels={self.out_channels} is not '
                             f'divisible by groups={self.groups}')
        if in_channels % self.groups != 0:
            raise ValueError(f'Convolution2D: in_channels={in_channels} is not divisible by '
                             f'groups={self.groups}')
        self.W.initialize((self.out_channels, in_channels // self.groups, kh, kw))

    @property
    def printable_specs(self):
        for name in ('in_channels', 'out_channels', 'ksize', 'stride', 'pad', 'nobias',
                     'dilate', 'groups'):
            yield name, getattr(self, name)

    def forward(self, x):
        self._check_input_device(x)
        if not self.W.is_initialized:
            self._initialize_params(x.shape[1])
        return F.convolution_2d(x, self.W, self.b, self.stride, self.pad,
                                dilate=self.dilate, groups=self.groups)

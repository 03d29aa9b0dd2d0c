from chainfuse import functions as F
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.link import ChainList


class MLPConvolution2D(ChainList):
    """``MLPConvolution2D(in_channels, out_channels, ksize=None, stride=1, pad=0,
    activation=F.relu, conv_init=None, bias_init=None)``: a ksize convolution followed
    by 1x1 convolutions (Network in Network), `out_channels` a sequence of widths."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 activation=F.relu, *args, **kwargs):
        if args or 'wscale' in kwargs:
            raise TypeError('MLPConvolution2D: wscale is not supported anymore; use '
                            'conv_init and bias_init')
        conv_init = kwargs.pop('conv_init', None)
        bias_init = kwargs.pop('bias_init', None)
        if kwargs:
            raise TypeError(f'MLPConvolution2D() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        if ksize is None:
            out_channels, ksize, in_channels = in_channels, out_channels, None
        if not out_channels:
            raise ValueError('MLPConvolution2D: out_channels must list at least one width')
        convs = [Convolution2D(in_channels, out_channels[0], ksize, stride, pad,
                               initialW=conv_init, initial_bias=bias_init)]
        for n_in, n_out in zip(out_channels, out_channels[1:]):
            convs.append(Convolution2D(n_in, n_out, 1, initialW=conv_init,
                                       initial_bias=bias_init))
        super().__init__(*convs)
        self.activation = activation

    def forward(self, x):
        for conv in self[:-1]:
            x = self.activation(conv(x))
        return self[-1](x)

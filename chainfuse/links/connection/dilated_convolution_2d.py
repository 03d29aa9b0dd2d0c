from chainfuse.links.connection.convolution_2d import Convolution2D


class DilatedConvolution2D(Convolution2D):
    """``DilatedConvolution2D(in_channels, out_channels, ksize=None, stride=1, pad=0,
    dilate=1, nobias=False, initialW=None, initial_bias=None)``: Convolution2D with
    Chainer's positional order for `dilate` (W is (out, in, kh, kw))."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, dilate=1,
                 nobias=False, initialW=None, initial_bias=None, **kwargs):
        super().__init__(in_channels, out_channels, ksize, stride, pad, nobias, initialW,
                         initial_bias, dilate=dilate, **kwargs)

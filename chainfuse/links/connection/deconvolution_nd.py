"""L.DeconvolutionND (and Deconvolution1D, Deconvolution3D): W (in, out / groups, k...)."""
from chainfuse import functions as F
from chainfuse.links.connection.convolution_nd import NDLink


class DeconvolutionND(NDLink):
    """``DeconvolutionND(ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
    nobias=False, outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1)``."""

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0,
                 nobias=False, outsize=None, initialW=None, initial_bias=None, dilate=1,
                 groups=1, **kwargs):
        super().__init__(ndim, in_channels, out_channels, ksize, stride, pad, nobias,
                         initialW, initial_bias, dilate, groups, kwargs)
        self.outsize = outsize

    def w_shape(self, in_channels):
        return (in_channels, self.out_channels // self.groups) + self.ksize

    def forward(self, x):
        self._check_and_init(x)
        return F.deconvolution_nd(x, self.W, b=self.b, stride=self.stride, pad=self.pad,
                                  outsize=self.outsize, dilate=self.dilate,
                                  groups=self.groups)


class Deconvolution1D(DeconvolutionND):
    """`DeconvolutionND` with ndim 1."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, outsize,
                         initialW, initial_bias, dilate, groups)


class Deconvolution3D(DeconvolutionND):
    """`DeconvolutionND` with ndim 3."""

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, outsize,
                         initialW, initial_bias, dilate, groups)

"""Fixed bilinear sampling filters for (de)convolution weights (Chainer's
UpsamplingDeconvFilter and DownsamplingConvFilter): a deconvolution with stride k and
such a kernel upsamples by bilinear interpolation; a convolution downsamples by
averaging with the normalized filter."""
import numpy

from chainfuse.initializers.initializer import Initializer


def linear_filter(size, ndim, upsampling=True):
    """The separable tent filter ``prod_d (1 - |i_d - center| / factor)`` of `size` per
    axis (normalized to sum 1 when downsampling)."""
    factor = (size + 1) // 2
    center = factor - 1.0 if size % 2 == 1 else factor - 0.5
    filt = 1.0
    for axis in numpy.ogrid[(slice(size),) * ndim]:
        filt = filt * (1.0 - abs(axis - center) / factor)
    return filt if upsampling else filt / filt.sum()


class _SamplingFilter(Initializer):

    upsampling = True

    def __init__(self, interpolation='linear', dtype=None):
        if interpolation != 'linear':
            raise ValueError(f'{type(self).__name__}: unsupported interpolation '
                             f"{interpolation!r} (only 'linear')")
        super().__init__(dtype)
        self.interpolation = interpolation

    def generate(self, shape, dtype):
        in_c, out_c = shape[:2]
        if not (in_c == out_c or out_c == 1):
            raise ValueError(f'{type(self).__name__}: the weight (in, out, k...) needs in == '
                             f'out or out == 1, got shape {shape}')
        sizes = set(shape[2:])
        if len(sizes) != 1:
            raise ValueError(f'{type(self).__name__}: every kernel axis must have one size, '
                             f'got {shape[2:]}')
        filt = linear_filter(sizes.pop(), len(shape) - 2, self.upsampling)
        out = numpy.zeros(shape)
        channels = numpy.arange(in_c)
        out[channels, 0 if out_c == 1 else channels, ...] = filt
        return out


class UpsamplingDeconvFilter(_SamplingFilter):
    """The bilinear upsampling kernel on the diagonal (channel c -> c) of a
    deconvolution weight (in, out, k, k)."""

    upsampling = True


class DownsamplingConvFilter(_SamplingFilter):
    """The normalized bilinear downsampling kernel on the diagonal of a convolution
    weight."""

    upsampling = False

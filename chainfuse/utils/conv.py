"""Output sizes of convolutions along one axis (``chainer.utils.get_conv_outsize``)."""


def get_conv_outsize(size, k, s, p, cover_all=False, d=1):
    """Output length of a convolution of input length `size` with kernel `k`, stride
    `s`, padding `p` and dilation `d` (`cover_all`: one more output covers the tail)."""
    dk = k + (k - 1) * (d - 1)
    if cover_all:
        return (size + p * 2 - dk + s - 1) // s + 1
    return (size + p * 2 - dk) // s + 1


def get_deconv_outsize(size, k, s, p, cover_all=False, d=1):
    """Output length of a deconvolution (transposed convolution) along one axis."""
    dk = (k - 1) * d + 1
    if cover_all:
        return s * (size - 1) + dk - s + 1 - 2 * p
    return s * (size - 1) + dk - 2 * p

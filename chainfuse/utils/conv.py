"""Output sizes of convolutions along one axis (``chainer.utils.get_conv_outsize`` and
``get_deconv_outsize``): the formulas the convolution ops themselves use."""
from chainfuse.ops.conv import conv_outsize as get_conv_outsize  # noqa: F401
from chainfuse.ops.conv import deconv_outsize as get_deconv_outsize  # noqa: F401

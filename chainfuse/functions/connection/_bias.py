"""Adding a per-channel bias to an (N, C, ...) output, as Convolution2D/Deconvolution2D do."""
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def add_channel_bias(fn, y, b):
    """``y + b`` with b (C,) broadcast over axis 1 of y (an elementwise add, not fused into
    the convolution, so the compiler can fuse it with what follows)."""
    channels = y.shape[1]
    if tuple(b.shape) != (channels,):
        raise OpTypeError(fn, f'b must have shape ({channels},) to match the {channels} '
                              f'output channels, got {tuple(b.shape)}')
    shape = (1, channels) + (1,) * (y.ndim - 2)
    return E.add(y, A.reshape(b, shape=shape))

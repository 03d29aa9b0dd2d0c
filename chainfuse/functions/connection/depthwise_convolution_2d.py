from chainfuse.functions.connection.convolution_2d import convolution_2d
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def depthwise_convolution_2d(x, W, b=None, stride=1, pad=0):
    """Each input channel convolved with its own `multiplier` kernels: W is (multiplier,
    C, kh, kw) and the output has C * multiplier channels, channel ``c * multiplier + m``
    from kernel ``W[m, c]``.  One grouped convolution (groups = C)."""
    if W.ndim != 4 or x.ndim != 4 or W.shape[1] != x.shape[1]:
        raise OpTypeError('depthwise_convolution_2d', f'x must be (N, C, H, W) and W '
                                                      f'(multiplier, C, kh, kw), got '
                                                      f'{tuple(x.shape)} and '
                                                      f'{tuple(W.shape)}')
    m, c, kh, kw = W.shape
    grouped = A.reshape(A.transpose(W, axes=(1, 0, 2, 3)), shape=(c * m, 1, kh, kw))
    return convolution_2d(x, grouped, b, stride, pad, groups=c)

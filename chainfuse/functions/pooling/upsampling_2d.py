from chainfuse.core.variable import Variable
from chainfuse.functions.pooling._args import pool_args
from chainfuse.functions.pooling.unpooling_2d import _outsize
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError


def upsampling_2d(x, indexes, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """The inverse of ``max_pooling_2d(..., return_indices=True)``: each value of x goes
    to the position its window's maximum came from (`indexes`, window-local ``i * kw +
    j``), zeros elsewhere (values add where windows overlap).  It is the adjoint of max
    pooling's gather: the ``max_pool2d_grad`` op."""
    ksize, stride, pad = pool_args('upsampling_2d', ksize, stride, pad)
    if x.ndim != 4 or tuple(indexes.shape) != tuple(x.shape):
        raise OpTypeError('upsampling_2d', f'x must be (N, C, h, w) and indexes of its '
                                           f'shape, got {tuple(x.shape)} and '
                                           f'{tuple(indexes.shape)}')
    outsize = _outsize(x, ksize, stride, pad, outsize, cover_all, 'upsampling_2d')
    indexes = indexes.array if isinstance(indexes, Variable) else indexes
    return conv.max_pool2d_grad(x, indexes, ksize=ksize, stride=stride, pad=pad,
                                insize=outsize)

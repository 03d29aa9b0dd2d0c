"""Argument normalization shared by the pooling functions (Chainer's conventions)."""
from chainfuse.ops import conv


def pool_args(fn, ksize, stride, pad):
    """(ksize, stride, pad) as pairs of ints; `stride` None means `ksize`, as in Chainer."""
    ksize = conv.pair(ksize, 'ksize', fn)
    stride = ksize if stride is None else conv.pair(stride, 'stride', fn)
    return ksize, stride, conv.pair(pad, 'pad', fn)

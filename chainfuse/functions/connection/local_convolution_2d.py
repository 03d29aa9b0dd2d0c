from chainfuse.functions.array.im2col import im2col
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def local_convolution_2d(x, W, b=None, stride=1):
    """A convolution whose weights differ at every output position (no sharing):
    W is (out_c, oh, ow, C, kh, kw) and b (out_c, oh, ow); no padding.  The patches
    (`im2col`) are contracted with W by one einsum."""
    if x.ndim != 4 or W.ndim != 6 or W.shape[3] != x.shape[1]:
        raise OpTypeError('local_convolution_2d', f'x must be (N, C, H, W) and W (out_c, oh, '
                                                  f'ow, C, kh, kw), got {tuple(x.shape)} and '
                                                  f'{tuple(W.shape)}')
    out_c, oh, ow, c, kh, kw = W.shape
    cols = im2col(x, (kh, kw), stride)
    if tuple(cols.shape[2:]) != (oh, ow):
        raise OpTypeError('local_convolution_2d', f'W is for a ({oh}, {ow}) output but the '
                                                  f'input gives {tuple(cols.shape[2:])}')
    patches = A.reshape(cols, shape=(x.shape[0], c * kh * kw, oh, ow))
    weights = A.reshape(W, shape=(out_c, oh, ow, c * kh * kw))
    y = linalg.einsum(patches, weights, subscripts='nkij,oijk->noij')
    if b is None:
        return y
    return E.add(y, A.reshape(b, shape=(1,) + tuple(b.shape)))

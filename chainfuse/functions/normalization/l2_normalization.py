from chainfuse.functions._util import normalize_axis_arg
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def normalize(x, eps=1e-5, axis=1):
    """L2 normalization along `axis`: ``x / (sqrt(sum(x ** 2, axis)) + eps)`` (eps added
    to the norm, as in Chainer)."""
    if x.dtype.kind != 'f':
        raise TypeError(f'normalize: x must be a floating-point array, got {x.dtype.name}')
    norm = E.sqrt(R.sum(E.mul(x, x), axis=normalize_axis_arg(axis), keepdims=True))
    return E.div(x, E.add(norm, float(eps)))

import numpy

from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def pad(x, pad_width, mode='constant', **keywords):
    """Pads x as numpy.pad; only ``mode='constant'`` is supported, with a scalar
    ``constant_values`` (default 0).  pad_width: an int, a (before, after) pair, or one pair
    per axis.  The gradient is the unpadded slice of the output gradient."""
    if mode != 'constant':
        raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
    unknown = set(keywords) - {'constant_values'}
    if unknown:
        raise TypeError(f'pad: unexpected keyword argument(s) {sorted(unknown)} for constant '
                        'mode; only constant_values is accepted')
    value = keywords.get('constant_values', 0)
    if numpy.ndim(value) != 0:
        raise OpTypeError('pad', f'constant_values must be a scalar, got {value!r}')
    value = value.item() if isinstance(value, numpy.generic) else value
    widths = A.normalize_pad_width(pad_width, x.ndim)
    return A.pad(x, pad_width=widths, constant_values=value)

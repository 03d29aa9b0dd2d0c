import numpy

from chainfuse import backend
from chainfuse import random as cf_random
from chainfuse.config import config
from chainfuse.core.variable import Variable, as_variable
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops
from chainfuse.ops.registry import OpTypeError


def device_name(x):
    """The device spec (``'@numpy'``, ``'@cupy:N'``) of a Variable or an array."""
    data = x._data if isinstance(x, Variable) else x
    return backend.get_device_from_array(data).name


def draw_dtype(dtype):
    """float16 inputs draw their noise in float32 (the random ops make float32/64)."""
    return numpy.dtype(numpy.float32 if dtype == numpy.float16 else dtype)


def dropout(x, ratio=.5, *, mask=None, return_mask=False, **kwargs):
    """Drops each element with probability `ratio` while training, scaling the rest.

    In training mode (``config.train``): ``mask = (uniform(key) >= ratio) / (1 - ratio)``
    and ``y = x * mask``, so the expectation of y is x.  The uniform numbers come from the
    `uniform` random op fed a fresh key from `chainfuse.random.next_key()`: the same seed
    gives the same mask, every call a new one, and a compiled model draws a new mask on
    every replay.  The gradient is ``gy * mask`` (only kept units receive it).

    Outside training, x is returned unchanged (as a Variable).  A given `mask` (an array
    holding the 0 / scale values, e.g. one returned by ``return_mask=True``) is used
    instead of drawing one.  ``return_mask=True`` returns ``(y, mask)`` (mask None when
    not training).
    """
    if kwargs:
        if 'train' in kwargs:
            raise ValueError("dropout: the 'train' argument is not supported; use "
                             "chainfuse.using_config('train', ...)")
        raise TypeError(f'dropout: unexpected keyword argument(s) {sorted(kwargs)}')
    if not config.train:
        y = as_variable(x)
        return (y, None) if return_mask else y
    if x.dtype.kind != 'f':
        raise OpTypeError('dropout', f'x must be a floating-point array, got {x.dtype.name}')
    ratio = float(ratio)
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f'dropout: ratio must be in [0, 1), got {ratio}')
    if mask is None:
        mask = _draw_mask(x, ratio)
    elif not isinstance(mask, Variable) and mask.dtype != x.dtype:
        mask = mask.astype(x.dtype)
    y = E.mul(x, mask)
    if return_mask:
        return y, mask._data if isinstance(mask, Variable) else mask
    return y


def _draw_mask(x, ratio):
    u = random_ops.uniform(cf_random.next_key(), shape=tuple(x.shape),
                           dtype=draw_dtype(x.dtype), device=device_name(x))
    keep = E.astype(E.greater_equal(u, ratio), dtype=x.dtype)
    return E.mul(keep, 1.0 / (1.0 - ratio))

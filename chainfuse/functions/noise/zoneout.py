from chainfuse import random as cf_random
from chainfuse.config import config
from chainfuse.core.variable import as_variable
from chainfuse.functions.noise.dropout import device_name, draw_dtype
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops
from chainfuse.ops.registry import OpTypeError


def zoneout(h, x, ratio=.5, **kwargs):
    """Zoneout (Krueger et al.): while training each element keeps its previous value h
    with probability `ratio`, else takes the new value x; outside training x is
    returned.  The mask is drawn with the ``uniform`` random op (a fresh key per call,
    so compiled replays draw new masks); gradients flow to h and x through it."""
    if 'train' in kwargs:
        raise ValueError("zoneout: the 'train' argument is not supported; use "
                         "chainfuse.using_config('train', ...)")
    if kwargs:
        raise TypeError(f'zoneout() got unexpected keyword argument(s) {sorted(kwargs)}')
    if tuple(h.shape) != tuple(x.shape) or h.dtype != x.dtype:
        raise OpTypeError('zoneout', f'h and x must have one shape and dtype, got '
                                     f'{h.dtype.name}{tuple(h.shape)} and '
                                     f'{x.dtype.name}{tuple(x.shape)}')
    if not config.train:
        return as_variable(x)
    u = random_ops.uniform(cf_random.next_key(), shape=tuple(x.shape),
                           dtype=draw_dtype(x.dtype), device=device_name(x))
    take_x = E.greater_equal(u, float(ratio))
    return E.where(take_x, x, h)

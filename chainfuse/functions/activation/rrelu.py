from chainfuse import random as cf_random
from chainfuse.config import config
from chainfuse.core.variable import Variable
from chainfuse.functions._util import array_module
from chainfuse.functions.noise.dropout import device_name, draw_dtype
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops
from chainfuse.ops.registry import OpTypeError


def rrelu(x, l=1. / 8, u=1. / 3, **kwargs):  # noqa: E741 (Chainer's argument name)
    """Randomized leaky ReLU: ``x`` where ``x >= 0``, else ``r * x``.

    While training, r is drawn per element uniformly from [l, u) (the ``uniform`` random
    op with a fresh key, so a compiled model draws new slopes on every replay); outside
    training ``r = (l + u) / 2``.  ``r=`` gives the slopes (an array of x's shape) and
    ``return_r=True`` returns ``(y, r)``.
    """
    r = kwargs.pop('r', None)
    return_r = kwargs.pop('return_r', False)
    if 'train' in kwargs:
        raise ValueError("rrelu: the 'train' argument is not supported; use "
                         "chainfuse.using_config('train', ...)")
    if kwargs:
        raise TypeError(f'rrelu() got unexpected keyword argument(s) {sorted(kwargs)}')
    if x.dtype.kind != 'f':
        raise OpTypeError('rrelu', f'x must be a floating-point array, got {x.dtype.name}')
    if not config.train:
        r = array_module(x).full(tuple(x.shape), (l + u) / 2, dtype=x.dtype)
    elif r is None:
        draw = random_ops.uniform(cf_random.next_key(), shape=tuple(x.shape),
                                  dtype=draw_dtype(x.dtype), device=device_name(x))
        r = E.add(E.mul(draw, float(u - l)), float(l))
        if r.dtype != x.dtype:
            r = E.astype(r, dtype=x.dtype)
    elif tuple(r.shape) != tuple(x.shape) or r.dtype != x.dtype:
        raise OpTypeError('rrelu', f'r must have the shape and dtype of x, '
                                   f'{x.dtype.name}{tuple(x.shape)}, got '
                                   f'{r.dtype.name}{tuple(r.shape)}')
    y = E.where(E.greater_equal(x, 0.0), x, E.mul(x, r))
    if return_r:
        return y, (r.array if isinstance(r, Variable) else r)
    return y

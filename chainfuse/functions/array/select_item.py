from chainfuse.core.variable import Variable
from chainfuse.functions._util import array_module, value_range
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def select_item(x, t):
    """``y[i] = x[i, t[i]]`` for x (B, K) and integer t (B,), in [0, K).

    One ``take`` from the flattened x at ``arange(B) * K + t`` (t stays an op input, so a
    traced graph is fed new labels on every call); the gradient scatters into zeros.
    """
    if x.ndim != 2:
        raise OpTypeError('select_item', f'x must be 2-D (batch, classes), got shape '
                                         f'{tuple(x.shape)}')
    if t.dtype.kind not in 'iu':
        raise OpTypeError('select_item', f't must be an integer array, got {t.dtype.name}')
    if tuple(t.shape) != (x.shape[0],):
        raise OpTypeError('select_item', f't must have shape ({x.shape[0]},) to match x '
                                         f'{tuple(x.shape)}, got {tuple(t.shape)}')
    b, k = x.shape
    if not isinstance(t, Variable) and t.size:
        low, high = value_range(t)
        if low < 0 or high >= k:
            raise IndexError(f'select_item: t must lie in [0, {k}), got values from '
                             f'{low} to {high}')
    rows = array_module(x).arange(b, dtype=t.dtype) * t.dtype.type(k)
    flat = E.add(rows, t)
    return A.take(A.reshape(x, shape=(b * k,)), flat, axis=0)


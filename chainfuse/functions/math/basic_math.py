from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def absolute(x):
    """Elementwise |x|; its gradient is sign(x) (0 at 0)."""
    return E.absolute(x)


def add(*xs):
    """Elementwise sum of any number of arrays of one shape and dtype (Chainer's F.add;
    ``a + b`` broadcasts, this does not)."""
    if not xs:
        raise TypeError('add() needs at least one input')
    first = xs[0]
    for k, x in enumerate(xs[1:], 1):
        if tuple(x.shape) != tuple(first.shape) or x.dtype != first.dtype:
            raise OpTypeError('add', f'every input must have the shape and dtype of the '
                                     f'first, {tuple(first.shape)} {first.dtype.name}; input '
                                     f'{k} has {tuple(x.shape)} {x.dtype.name}')
    total = first
    for x in xs[1:]:
        total = E.add(total, x)
    return total if len(xs) > 1 else E.add(first, 0.0)

from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def flip(x, axis):
    """x with the order of elements along `axis` reversed (a ``::-1`` slice)."""
    axis = check_axis('flip', axis, x.ndim)
    key = (slice(None),) * axis + (slice(None, None, -1),)
    return A.getitem(x, key=A.normalize_key(key))


def fliplr(a):
    """Reverses the second axis (left/right); a must have ndim >= 2."""
    if a.ndim < 2:
        raise OpTypeError('fliplr', f'input must have ndim >= 2, got shape {tuple(a.shape)}')
    return flip(a, 1)


def flipud(a):
    """Reverses the first axis (up/down); a must have ndim >= 1."""
    if a.ndim < 1:
        raise OpTypeError('flipud', 'input must have ndim >= 1, got a 0-d array')
    return flip(a, 0)

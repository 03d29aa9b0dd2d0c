"""Rearranging spatial blocks into channels and back (reshape + transpose + reshape)."""
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def _check(fn, X, r):
    if X.ndim != 4:
        raise OpTypeError(fn, f'X must be 4-D (N, C, H, W), got shape {tuple(X.shape)}')
    r = int(r)
    if r < 1:
        raise ValueError(f'{fn}: r must be positive, got {r}')
    return r


def space2depth(X, r):
    """(N, C, H, W) -> (N, C * r * r, H / r, W / r): each r x r block becomes channels."""
    r = _check('space2depth', X, r)
    n, c, h, w = X.shape
    if h % r or w % r:
        raise OpTypeError('space2depth', f'H and W of {tuple(X.shape)} must be multiples of '
                                         f'r={r}')
    y = A.reshape(X, shape=(n, c, h // r, r, w // r, r))
    y = A.transpose(y, axes=(0, 3, 5, 1, 2, 4))
    return A.reshape(y, shape=(n, r * r * c, h // r, w // r))


def depth2space(X, r):
    """(N, C * r * r, H, W) -> (N, C, H * r, W * r): the inverse of space2depth."""
    r = _check('depth2space', X, r)
    n, c, h, w = X.shape
    if c % (r * r):
        raise OpTypeError('depth2space', f'the channels of {tuple(X.shape)} must be a '
                                         f'multiple of r * r = {r * r}')
    y = A.reshape(X, shape=(n, r, r, c // (r * r), h, w))
    y = A.transpose(y, axes=(0, 3, 4, 1, 5, 2))
    return A.reshape(y, shape=(n, c // (r * r), h * r, w * r))

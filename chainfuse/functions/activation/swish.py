from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def swish(x, beta):
    """Swish ``x * sigmoid(beta * x)`` with a learnable `beta`.

    As in Chainer, x has shape ``(B, s1, ..., sN)`` and beta ``(s1, ..., sM)`` with
    ``M <= N``: beta is reshaped to ``(1, s1, ..., sM, 1, ..., 1)`` and broadcast, so its
    gradient is summed over the batch axis and the trailing axes.
    """
    bshape = tuple(beta.shape)
    if len(bshape) > x.ndim - 1 or bshape != tuple(x.shape[1:1 + len(bshape)]):
        raise OpTypeError('swish', f'beta of shape {bshape} must match x.shape[1:1 + '
                                   f'beta.ndim] for x of shape {tuple(x.shape)}')
    extended = (1,) + bshape + (1,) * (x.ndim - len(bshape) - 1)
    b = A.reshape(beta, shape=extended)
    return E.mul(x, E.sigmoid(E.mul(b, x)))


def silu(x):
    """SiLU ``x * sigmoid(x)`` (swish with beta fixed to 1)."""
    return E.mul(x, E.sigmoid(x))

from chainfuse.functions.array.reshape import reshape
from chainfuse.functions.array.transpose import transpose
from chainfuse.functions._util import prod
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def _axes(axes, a_ndim):
    if isinstance(axes, int):
        if not 0 <= axes <= a_ndim:
            raise OpTypeError('tensordot', f'axes={axes} is more than the {a_ndim} axes of a')
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
    return a_axes, b_axes


def tensordot(a, b, axes=2):
    """Sum of products over the `axes` of a and b, as numpy.tensordot: ``axes=n`` pairs
    the last n axes of a with the first n of b; ``((a axes), (b axes))`` names them.
    One matrix product after moving the summed axes of a last and those of b first."""
    a_axes, b_axes = _axes(axes, a.ndim)
    a_axes = [x % a.ndim for x in a_axes]
    b_axes = [x % b.ndim for x in b_axes]
    if len(a_axes) != len(b_axes) or any(a.shape[i] != b.shape[j]
                                         for i, j in zip(a_axes, b_axes)):
        raise OpTypeError('tensordot', f'summed axes differ: a {tuple(a.shape)} axes {a_axes} '
                                       f'vs b {tuple(b.shape)} axes {b_axes}')
    a_rest = [i for i in range(a.ndim) if i not in a_axes]
    b_rest = [i for i in range(b.ndim) if i not in b_axes]
    k = prod(a.shape[i] for i in a_axes)
    a2 = reshape(transpose(a, a_rest + a_axes), (prod(a.shape[i] for i in a_rest), k))
    b2 = reshape(transpose(b, b_axes + b_rest), (k, prod(b.shape[i] for i in b_rest)))
    out = linalg.matmul(a2, b2)
    return reshape(out, tuple(a.shape[i] for i in a_rest) + tuple(b.shape[i] for i in b_rest))

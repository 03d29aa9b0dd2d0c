from chainfuse.functions._util import check_axis, prod
from chainfuse.functions.array.get_item import get_item
from chainfuse.functions.array.reshape import reshape
from chainfuse.functions.array.transpose import transpose
from chainfuse.ops.registry import OpTypeError


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the (axis1, axis2) planes of x, as numpy.diagonal: the two axes are
    removed and the diagonal (offset above the main one when > 0) is the last axis.

    Composed of movement ops: the two axes are moved last and flattened, and the
    diagonal is the strided slice with step ``cols + 1`` (its gradient scatters back)."""
    a1, a2 = check_axis('diagonal', axis1, x.ndim), check_axis('diagonal', axis2, x.ndim)
    if a1 == a2:
        raise OpTypeError('diagonal', f'axis1 and axis2 must differ, got {axis1} and {axis2}')
    rest = [i for i in range(x.ndim) if i not in (a1, a2)]
    rows, cols = x.shape[a1], x.shape[a2]
    offset = int(offset)
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start = offset if offset >= 0 else -offset * cols
    lead = tuple(x.shape[i] for i in rest)
    flat = reshape(transpose(x, rest + [a1, a2]), lead + (rows * cols,))
    stop = start + length * (cols + 1) if length else start
    picked = get_item(flat, (Ellipsis, slice(start, stop, cols + 1)))
    return picked if picked.shape[-1] == length else \
        get_item(picked, (Ellipsis, slice(0, length)))

"""Repetition: tile (whole-array copies) and repeat (each element repeated), both written
as a reshape + broadcast_to + reshape (repeat with per-element counts uses take)."""
import numpy

from chainfuse.functions._util import check_axis
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def tile(x, reps):
    """x repeated `reps` times along each axis, as numpy.tile."""
    reps = (int(reps),) if isinstance(reps, (int, numpy.integer)) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f'tile: reps must be non-negative, got {reps}')
    ndim = max(x.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + tuple(x.shape)
    # (1, s0, 1, s1, ...) -> (r0, s0, r1, s1, ...) -> (r0 * s0, r1 * s1, ...)
    inter = tuple(v for s in shape for v in (1, s))
    wide = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    y = A.broadcast_to(A.reshape(x, shape=inter), shape=wide)
    return A.reshape(y, shape=tuple(r * s for r, s in zip(reps, shape)))


def repeat(x, repeats, axis=None):
    """Each element of x repeated, as numpy.repeat: `repeats` is an int, or one count per
    element along `axis`; axis=None repeats the flattened x."""
    if axis is None:
        x = A.reshape(x, shape=(x.size,))
        axis = 0
    if x.ndim == 0:
        x = A.reshape(x, shape=(1,))
    axis = check_axis('repeat', axis, x.ndim)
    counts = numpy.asarray(repeats)
    if counts.dtype.kind not in 'iu' or (counts < 0).any() or counts.ndim > 1:
        raise ValueError(f'repeat: repeats must be a non-negative int or a 1-D sequence of '
                         f'them, got {repeats!r}')
    n = x.shape[axis]
    if counts.ndim == 1 and counts.size != 1:
        if counts.size != n:
            raise OpTypeError('repeat', f'{counts.size} repeat counts for an axis of length '
                                        f'{n}')
        return A.take(x, numpy.repeat(numpy.arange(n), counts), axis=axis)
    r = int(counts.reshape(()) if counts.ndim == 0 else counts[0])
    shape = tuple(x.shape)
    inter = shape[:axis + 1] + (1,) + shape[axis + 1:]
    wide = shape[:axis + 1] + (r,) + shape[axis + 1:]
    y = A.broadcast_to(A.reshape(x, shape=inter), shape=wide)
    return A.reshape(y, shape=shape[:axis] + (n * r,) + shape[axis + 1:])


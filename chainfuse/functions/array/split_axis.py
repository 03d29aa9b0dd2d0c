import numpy

from chainfuse.functions._util import check_axis, is_array_like
from chainfuse.ops import array as A


def split_points(fn, x, indices_or_sections, axis):
    """numpy.split's ``indices_or_sections`` as a tuple of split points along `axis`."""
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, numpy.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(f'{fn}: cannot split an axis of length {n} into {sections} equal '
                             'sections')
        step = n // sections
        return tuple(range(step, n, step))
    if is_array_like(indices_or_sections):
        indices_or_sections = indices_or_sections.tolist()
    return tuple(int(i) for i in indices_or_sections)


def split_axis(x, indices_or_sections, axis, force_tuple=True):
    """Splits x along `axis` into equal sections (an int) or at split points (a sequence),
    as numpy.split.  Returns a tuple of Variables (the Variable alone when there is one
    piece and ``force_tuple`` is False).  Pieces that receive no gradient get zeros."""
    if x.ndim == 0:
        raise ValueError('split_axis: cannot split a 0-d array')
    axis = check_axis('split_axis', axis, x.ndim)
    points = split_points('split_axis', x, indices_or_sections, axis)
    ys = A.split(x, indices=points, axis=axis)
    if not force_tuple and len(ys) == 1:
        return ys[0]
    return ys

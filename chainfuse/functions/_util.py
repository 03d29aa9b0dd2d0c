"""Small helpers shared by F.* wrappers."""
import numpy


def normalize_axis_arg(axis):
    """None stays None; an int or a sequence becomes a tuple of ints (hashable attr)."""
    if axis is None:
        return None
    if isinstance(axis, (int, numpy.integer)):
        return (int(axis),)
    return tuple(int(a) for a in axis)

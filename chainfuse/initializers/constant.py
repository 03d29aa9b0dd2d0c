"""Initializers that need no randomness: Constant, Zero, One, NaN, Identity."""
import numpy

from chainfuse import backend
from chainfuse.initializers.initializer import Initializer, copy_into


class Constant(Initializer):
    """Fills the array with `fill_value`, a scalar or an array broadcast to its shape."""

    def __init__(self, fill_value, dtype=None):
        super().__init__(dtype)
        self.fill_value = fill_value

    def __call__(self, array):
        self.check_dtype(array)
        fill = backend.to_cpu(self.fill_value) if not numpy.isscalar(self.fill_value) \
            else self.fill_value
        fill = numpy.asarray(fill)
        try:
            numpy.broadcast_shapes(fill.shape, tuple(array.shape))
        except ValueError:
            raise ValueError(f'Constant: the fill value of shape {fill.shape} cannot be '
                             f'broadcast to the parameter shape {tuple(array.shape)}') from None
        copy_into(array, fill)


class Zero(Constant):
    """Fills the array with 0."""

    def __init__(self, dtype=None):
        super().__init__(0.0, dtype)


class One(Constant):
    """Fills the array with 1."""

    def __init__(self, dtype=None):
        super().__init__(1.0, dtype)


class NaN(Constant):
    """Fills the array with NaN: the marker of a value that must be overwritten."""

    def __init__(self, dtype=None):
        super().__init__(numpy.nan, dtype)


class Identity(Initializer):
    """``scale`` times the identity matrix; the array must be square and 2-D."""

    def __init__(self, scale=1.0, dtype=None):
        super().__init__(dtype)
        self.scale = scale

    def generate(self, shape, dtype):
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f'Identity: the array must be a square matrix, got shape {shape}')
        return self.scale * numpy.identity(shape[0])

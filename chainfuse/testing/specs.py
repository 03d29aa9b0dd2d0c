"""Input specs of the op/function test table: how to draw each input of a `Case`.

A spec knows its shape and draws an array from a seeded numpy Generator.  Float specs
take the case's dtype (values are drawn in float64, then cast, so the float64 reference
sees exactly the values the op saw); ints and bools keep their own dtype and never get
gradients.
"""
import numpy


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


class Spec:
    """Base class: ``make(rng, dtype)`` returns a numpy array."""

    is_float = True

    def __init__(self, shape):
        self.shape = shape

    def make(self, rng, dtype):
        raise NotImplementedError

    def __repr__(self):
        return f'{type(self).__name__}{self.shape}'


class _Uniform(Spec):
    def __init__(self, shape, low, high, random_sign=False):
        super().__init__(shape)
        self.low, self.high, self.random_sign = low, high, random_sign

    def make(self, rng, dtype):
        x = numpy.asarray(rng.uniform(self.low, self.high, size=self.shape))
        if self.random_sign:
            x = x * numpy.where(rng.random(size=self.shape) < 0.5, -1.0, 1.0)
        return x.astype(dtype)


class _Ints(Spec):
    is_float = False

    def __init__(self, shape, low, high, dtype):
        super().__init__(shape)
        self.low, self.high, self.dtype = low, high, numpy.dtype(dtype)

    def make(self, rng, dtype):
        return numpy.asarray(rng.integers(self.low, self.high, size=self.shape)).astype(
            self.dtype)


class _Bools(Spec):
    is_float = False

    def make(self, rng, dtype):
        return numpy.asarray(rng.random(size=self.shape) < 0.5)


class _Const(Spec):
    def __init__(self, array):
        self.array = numpy.array(array)
        super().__init__(self.array.shape)
        self.is_float = self.array.dtype.kind == 'f'

    def make(self, rng, dtype):
        if self.is_float:
            return self.array.astype(dtype)
        return self.array.copy()

    def __repr__(self):
        return f'const({self.array.tolist()!r})'


def uniform(*shape, low=-1.0, high=1.0):
    """Floats uniform in [low, high): ``uniform(3, 4)``; ``uniform()`` is a 0-d array."""
    return _Uniform(_shape(shape), low, high)


def positive(*shape, low=0.5, high=2.0):
    """Floats uniform in [low, high), away from 0 (for log, sqrt, pow bases...)."""
    return _Uniform(_shape(shape), low, high)


def nonzero(*shape, low=0.5, high=2.0):
    """Floats with |x| uniform in [low, high) and a random sign (for divisors)."""
    return _Uniform(_shape(shape), low, high, random_sign=True)


def ints(*shape, low=0, high=10, dtype=numpy.int32):
    """Integers in [low, high) of `dtype`; never differentiated."""
    return _Ints(_shape(shape), low, high, dtype)


def bools(*shape):
    """Random booleans; never differentiated."""
    return _Bools(_shape(shape))


def const(array):
    """Fixed values; a float array takes the case's dtype, other dtypes are kept."""
    return _Const(array)


def as_spec(x):
    """A Spec stays; an array or a list becomes `const`."""
    return x if isinstance(x, Spec) else const(x)

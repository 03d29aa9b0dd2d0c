"""The initializer protocol: an object that fills an array in place.

``init(array)`` overwrites every element of `array`.  chainfuse's initializers
compute their values on the CPU with NumPy, drawing random numbers from numpy's
global generator as Chainer's do on the CPU (``numpy.random.normal(0, s, shape)``,
cast to the array's dtype), so ``numpy.random.seed(0)`` gives Chainer's initial
weights bit for bit, or from the initializer's own ``rng`` when one is given.  The
values are then copied into the array, whichever device it lives on (Chainer draws
a GPU array's values with CuPy's generator instead; chainfuse gives a parameter the
same values on every device).  A subclass
writes ``generate(shape, dtype)`` returning a NumPy array; a user-defined
initializer may instead override ``__call__(array)`` as in Chainer.
"""
import numpy

from chainfuse import backend


def get_fans(shape):
    """(fan_in, fan_out) of a weight of `shape` (out, in, *kernel), as Chainer computes them.

    The receptive field (the product of the kernel axes) multiplies both fans.
    """
    if not isinstance(shape, tuple):
        raise ValueError(f'get_fans: shape must be a tuple, got {type(shape).__name__}')
    if len(shape) < 2:
        raise ValueError(f'get_fans: shape must have at least 2 axes (out, in, ...), '
                         f'got shape={shape}')
    receptive = int(numpy.prod(shape[2:], dtype=numpy.int64))
    return shape[1] * receptive, shape[0] * receptive


def copy_into(array, values):
    """Copies the NumPy array `values` into `array` (numpy or cupy), broadcasting."""
    if isinstance(array, numpy.ndarray):
        numpy.copyto(array, values, casting='unsafe')
    else:  # pragma: no cover - cupy
        xp = backend.get_array_module(array)
        array[...] = xp.asarray(values).astype(array.dtype, copy=False)


class Initializer:
    """Base of initializers.

    Args:
        dtype: the dtype the initializer produces; None lets the array (or
            `generate_array`'s default, ``config.dtype``) decide.
    """

    def __init__(self, dtype=None):
        self.dtype = None if dtype is None else numpy.dtype(dtype)

    def __call__(self, array):
        """Fills `array` in place with values from `generate`."""
        self.check_dtype(array)
        copy_into(array, self.generate(tuple(array.shape), array.dtype))

    def generate(self, shape, dtype):  # pragma: no cover - abstract
        raise NotImplementedError(f'{type(self).__name__} must define generate(shape, dtype) '
                                  'or __call__(array)')

    def check_dtype(self, array):
        if self.dtype is not None and numpy.dtype(array.dtype) != self.dtype:
            raise ValueError(f'{type(self).__name__}: the array has dtype {array.dtype} but '
                             f'the initializer was created for dtype {self.dtype}')

    def __repr__(self):
        attrs = ', '.join(f'{k}={v!r}' for k, v in vars(self).items()
                          if not k.startswith('_') and k != 'rng')
        return f'{type(self).__name__}({attrs})'


def get_rng(rng):
    """The random source of an initializer: its own `rng`, else numpy's global generator
    (`chainfuse.random.get_random_state`)."""
    if rng is not None:
        return rng
    from chainfuse import random
    return random.get_random_state()


class FanScaled(Initializer):
    """Draws from ``distribution(s)`` with ``s = scale * sqrt(factor / fan)``.

    Subclasses set `distribution` (Normal or Uniform), `factor`, and how the fan is
    taken: ``fan_option`` 'fan_in' (default) or 'fan_out', or override `fan` (Glorot
    uses fan_in + fan_out).
    """

    distribution = None
    factor = 1.0
    fan_option = 'fan_in'

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def fan(self, shape):
        fan_in, fan_out = get_fans(shape)
        if self.fan_option == 'fan_in':
            return fan_in
        if self.fan_option == 'fan_out':
            return fan_out
        raise ValueError(f"{type(self).__name__}: fan_option must be 'fan_in' or 'fan_out', "
                         f'got {self.fan_option!r}')

    def generate(self, shape, dtype):
        s = self.scale * numpy.sqrt(self.factor / self.fan(shape))
        return self.distribution(s, rng=self.rng).generate(shape, dtype)


class SumOfFans:
    """Mixin for Glorot (Xavier) initializers: the fan is fan_in + fan_out."""

    def fan(self, shape):
        fan_in, fan_out = get_fans(shape)
        return fan_in + fan_out

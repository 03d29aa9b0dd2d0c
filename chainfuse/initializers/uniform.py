"""Uniform initializers: Uniform and the fan-scaled LeCunUniform, GlorotUniform, HeUniform.

Each draws from U(-s, s) with chainfuse's seeded generator (or the given `rng`).
"""
import numpy

from chainfuse.initializers.initializer import Initializer, get_fans, get_rng


class Uniform(Initializer):
    """Draws from U(-scale, scale)."""

    def __init__(self, scale=0.05, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        return get_rng(self.rng).uniform(-self.scale, self.scale, size=shape)


class LeCunUniform(Initializer):
    """U(-s, s) with ``s = scale * sqrt(3 / fan_in)``."""

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        fan_in, _ = get_fans(shape)
        s = self.scale * numpy.sqrt(3.0 / fan_in)
        return Uniform(s, rng=self.rng).generate(shape, dtype)


class GlorotUniform(Initializer):
    """U(-s, s) with ``s = scale * sqrt(6 / (fan_in + fan_out))`` (Xavier)."""

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        fan_in, fan_out = get_fans(shape)
        s = self.scale * numpy.sqrt(6.0 / (fan_in + fan_out))
        return Uniform(s, rng=self.rng).generate(shape, dtype)


class HeUniform(Initializer):
    """U(-s, s) with ``s = scale * sqrt(6 / fan_in)``."""

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        fan_in, _ = get_fans(shape)
        s = self.scale * numpy.sqrt(6.0 / fan_in)
        return Uniform(s, rng=self.rng).generate(shape, dtype)

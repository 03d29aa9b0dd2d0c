"""Uniform initializers: Uniform and the fan-scaled LeCunUniform, GlorotUniform, HeUniform.

Each draws from U(-s, s) from numpy's global generator, as in Chainer (or the given `rng`).
"""
from chainfuse.initializers.initializer import FanScaled, Initializer, SumOfFans, get_rng


class Uniform(Initializer):
    """Draws from U(-scale, scale)."""

    def __init__(self, scale=0.05, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        return get_rng(self.rng).uniform(-self.scale, self.scale, size=shape)


class LeCunUniform(FanScaled):
    """U(-s, s) with ``s = scale * sqrt(3 / fan_in)``."""

    distribution = Uniform
    factor = 3.0


class GlorotUniform(SumOfFans, FanScaled):
    """U(-s, s) with ``s = scale * sqrt(6 / (fan_in + fan_out))`` (Xavier)."""

    distribution = Uniform
    factor = 6.0


class HeUniform(FanScaled):
    """U(-s, s) with ``s = scale * sqrt(6 / fan)``, fan being fan_in (default) or fan_out."""

    distribution = Uniform
    factor = 6.0

    def __init__(self, scale=1.0, dtype=None, fan_option='fan_in', rng=None):
        super().__init__(scale, dtype, rng)
        self.fan_option = fan_option

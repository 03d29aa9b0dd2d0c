"""Gaussian initializers: Normal and the fan-scaled LeCunNormal, GlorotNormal, HeNormal.

Values are drawn in float64 from the initializer's `rng` (default: numpy's
global generator, as in Chainer) and cast to the array's dtype, so a seed gives the same
parameters whatever the dtype or device.
"""
from chainfuse.initializers.initializer import FanScaled, Initializer, SumOfFans, get_rng


class Normal(Initializer):
    """Draws from N(0, scale**2)."""

    def __init__(self, scale=0.05, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        return get_rng(self.rng).normal(0.0, self.scale, size=shape)


class LeCunNormal(FanScaled):
    """N(0, s**2) with ``s = scale * sqrt(1 / fan_in)``; Linear's and Convolution's default."""

    distribution = Normal
    factor = 1.0


class GlorotNormal(SumOfFans, FanScaled):
    """N(0, s**2) with ``s = scale * sqrt(2 / (fan_in + fan_out))`` (Xavier)."""

    distribution = Normal
    factor = 2.0


class HeNormal(FanScaled):
    """N(0, s**2) with ``s = scale * sqrt(2 / fan)``, fan being fan_in (default) or fan_out."""

    distribution = Normal
    factor = 2.0

    def __init__(self, scale=1.0, dtype=None, fan_option='fan_in', rng=None):
        super().__init__(scale, dtype, rng)
        self.fan_option = fan_option

"""Gaussian initializers: Normal and the fan-scaled LeCunNormal, GlorotNormal, HeNormal.

Values are drawn in float64 from the initializer's `rng` (default: chainfuse's
seeded generator) and cast to the array's dtype, so a seed gives the same
parameters whatever the dtype or device.
"""
import numpy

from chainfuse.initializers.initializer import Initializer, get_fans, get_rng


def _fan(shape, fan_option, who):
    fan_in, fan_out = get_fans(shape)
    if fan_option == 'fan_in':
        return fan_in
    if fan_option == 'fan_out':
        return fan_out
    raise ValueError(f"{who}: fan_option must be 'fan_in' or 'fan_out', got {fan_option!r}")


class Normal(Initializer):
    """Draws from N(0, scale**2)."""

    def __init__(self, scale=0.05, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        return get_rng(self.rng).normal(0.0, self.scale, size=shape)


class LeCunNormal(Initializer):
    """N(0, s**2) with ``s = scale * sqrt(1 / fan_in)``; Linear's and Convolution's default."""

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        fan_in, _ = get_fans(shape)
        s = self.scale * numpy.sqrt(1.0 / fan_in)
        return Normal(s, rng=self.rng).generate(shape, dtype)


class GlorotNormal(Initializer):
    """N(0, s**2) with ``s = scale * sqrt(2 / (fan_in + fan_out))`` (Xavier)."""

    def __init__(self, scale=1.0, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        fan_in, fan_out = get_fans(shape)
        s = self.scale * numpy.sqrt(2.0 / (fan_in + fan_out))
        return Normal(s, rng=self.rng).generate(shape, dtype)


class HeNormal(Initializer):
    """N(0, s**2) with ``s = scale * sqrt(2 / fan)``, fan being fan_in (default) or fan_out."""

    def __init__(self, scale=1.0, dtype=None, fan_option='fan_in', rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.fan_option = fan_option
        self.rng = rng

    def generate(self, shape, dtype):
        fan = _fan(shape, self.fan_option, 'HeNormal')
        s = self.scale * numpy.sqrt(2.0 / fan)
        return Normal(s, rng=self.rng).generate(shape, dtype)

"""Rows for the special-function ops (chainfuse/ops/special.py)."""
import math

import numpy

from chainfuse.testing import Case, const, uniform

_erf = numpy.vectorize(math.erf, otypes=[numpy.float64])

CASES = [
    Case('erf', [uniform(3, 4, low=-2.5, high=2.5)], ref=_erf),
    Case('erf', [const([[-6.0, -0.1, 0.0], [1e-3, 0.7, 4.0]])], ref=_erf, name='erf_tails'),
    Case('erf', [uniform()], ref=_erf, name='erf_0d'),
]

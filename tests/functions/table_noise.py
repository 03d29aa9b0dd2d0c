"""Rows for F.noise (chainfuse/functions/noise/).

Drawn masks and noise are random; these rows fix them (ratio 0, a given mask, a given
eps) so the values and gradients are checked.  tests/functions/noise/ checks the draws.
"""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform

MASK = numpy.array([[2.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 0.0], [2.0, 2.0, 0.0, 2.0]])
EPS = numpy.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])

CASES = [
    Case(F.dropout, [uniform(3, 4)], attrs=dict(ratio=0.0), ref=lambda x, ratio: x,
         name='dropout_ratio0'),
    Case(F.dropout, [uniform(3, 4)], attrs=dict(mask=MASK), ref=lambda x, mask: x * mask,
         name='dropout_given_mask'),
    Case(F.gaussian, [uniform(2, 3), uniform(2, 3)], attrs=dict(eps=EPS),
         ref=lambda mean, ln_var, eps: mean + numpy.exp(ln_var / 2) * eps),
]

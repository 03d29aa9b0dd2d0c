"""Rows for F.noise (chainfuse/functions/noise/).

Drawn masks and noise are random; these rows fix them (ratio 0, a given mask, a given
eps) so the values and gradients are checked.  tests/functions/noise/ checks the draws.
"""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform

MASK = numpy.array([[2.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 0.0], [2.0, 2.0, 0.0, 2.0]])
DC_MASK = numpy.random.default_rng(0).random((3, 2, 4)) < 0.5
EPS = numpy.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])

CASES = [
    Case(F.dropout, [uniform(3, 4)], attrs=dict(ratio=0.0), ref=lambda x, ratio: x,
         name='dropout_ratio0'),
    Case(F.dropout, [uniform(3, 4)], attrs=dict(mask=MASK), ref=lambda x, mask: x * mask,
         name='dropout_given_mask'),
    Case(F.gaussian, [uniform(2, 3), uniform(2, 3)], attrs=dict(eps=EPS),
         ref=lambda mean, ln_var, eps: mean + numpy.exp(ln_var / 2) * eps),
    Case(F.zoneout, [uniform(3, 4), uniform(3, 4)], attrs=dict(ratio=0.0),
         ref=lambda h, x, ratio: x, name='zoneout_ratio0'),
    Case(F.zoneout, [uniform(3, 4), uniform(3, 4)], attrs=dict(ratio=1.0),
         ref=lambda h, x, ratio: h, name='zoneout_ratio1'),
    Case(F.simplified_dropconnect, [uniform(3, 4), uniform(2, 4), uniform(2)],
         attrs=dict(ratio=0.5, mask=DC_MASK),
         ref=lambda x, w, b, ratio, mask: numpy.einsum('noi,ni->no', w * 2 * mask, x) + b),
    Case(F.simplified_dropconnect, [uniform(3, 2, 2), uniform(5, 4)],
         attrs=dict(train=False, use_batchwise_mask=False),
         ref=lambda x, w, train, use_batchwise_mask: x.reshape(3, 4) @ w.T,
         name='simplified_dropconnect_eval'),
    Case(F.gumbel_softmax, [uniform(3, 4)], grad=False, ref=None),   # random: see noise/
]

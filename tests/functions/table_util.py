"""Rows for F.util (chainfuse/functions/util/): forget recomputes in the backward pass,
so double backprop is refused (double=False)."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform


def _block(x, w):
    return F.tanh(F.matmul(x, w)) * x


CASES = [
    Case(lambda x, w: F.forget(_block, x, w), [uniform(3, 3), uniform(3, 3)],
         ref=lambda x, w: numpy.tanh(x @ w) * x, name='forget', covers='forget',
         double=False),
]

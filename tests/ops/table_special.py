"""Rows for the special-function ops (chainfuse/ops/special.py)."""
import math

import numpy

from chainfuse.testing import Case, const, ints, positive, uniform
from tests.ops import _special_ref as R

_erf = numpy.vectorize(math.erf, otypes=[numpy.float64])
F64_TOL = {numpy.float64: (1e-10, 1e-8)}

CASES = [
    Case('erf', [uniform(3, 4, low=-2.5, high=2.5)], ref=_erf),
    Case('erf', [const([[-6.0, -0.1, 0.0], [1e-3, 0.7, 4.0]])], ref=_erf, name='erf_tails'),
    Case('erf', [uniform()], ref=_erf, name='erf_0d'),
    Case('erfc', [uniform(3, 4, low=-2.5, high=4)], ref=R.erfc),
    Case('erfcx', [uniform(3, 4, low=-3, high=5)], ref=R.erfcx),
    Case('erfcx', [const([30.0, 40.0, 200.0, 1e4])], ref=lambda x: 1 / (x * math.sqrt(math.pi))
         * (1 - 1 / (2 * x * x) + 3 / (4 * x ** 4)), tol=(0, 1e-7), dtypes=(numpy.float64,),
         name='erfcx_asymptotic'),
    Case('erfinv', [uniform(3, 4, low=-0.95, high=0.95)], ref=R.erfinv),
    Case('erfcinv', [uniform(3, 4, low=0.05, high=1.95)], ref=R.erfcinv),
    Case('erfcinv', [const([1e-300, 1e-30, 1e-8])], ref=R.erfcinv, dtypes=(numpy.float64,),
         grad=False, name='erfcinv_tiny'),
    Case('lgamma', [positive(3, 4, low=0.2, high=6)], ref=R.lgamma),
    Case('digamma', [positive(3, 4, low=0.3, high=6)], ref=R.digamma),
    Case('digamma', [const([-2.5, -0.5, 1e-3])], ref=lambda x: numpy.array(
        [1.1031566406452432, 0.03648997397857652, -1000.5755719318104]),
         dtypes=(numpy.float64,), name='digamma_reflection', grad=False),
    Case('polygamma', [ints(3, 4, low=0, high=4), positive(3, 4, low=0.5, high=4)],
         ref=R.polygamma, tol=F64_TOL),
    Case('zeta', [uniform(3, 4, low=1.5, high=4), positive(3, 4, low=0.3, high=4)],
         ref=R.zeta, grad=(1,), tol=F64_TOL),
    Case('log_ndtr', [uniform(3, 4, low=-5, high=5)], ref=R.log_ndtr),
    Case('log_ndtr', [const([-40.0, -100.0])], ref=lambda x: -x * x / 2 - numpy.log(-x) -
         0.5 * math.log(2 * math.pi) + numpy.log1p(-1 / (x * x) + 3 / x ** 4),
         tol=(0, 1e-9), dtypes=(numpy.float64,), name='log_ndtr_far_tail'),
    Case('fft', [uniform(2, 4), uniform(2, 4)], attrs=dict(method='fft'),
         dtypes=(numpy.float32, numpy.float64),
         ref=lambda r, i, method: (numpy.fft.fft(r + 1j * i).real,
                                   numpy.fft.fft(r + 1j * i).imag)),
    Case('fft', [uniform(3), uniform(3)], attrs=dict(method='ifft'),
         ref=lambda r, i, method: (numpy.fft.ifft(r + 1j * i).real,
                                   numpy.fft.ifft(r + 1j * i).imag), name='ifft',
         dtypes=(numpy.float32, numpy.float64)),
]

"""Rows for the random ops (chainfuse/ops/random.py).

Their output is random, so the rows check types, shapes and dtypes only (ref=None);
tests/ops/test_random.py checks values: determinism per key, distribution, range.
"""
import numpy

from chainfuse.testing import Case, const

KEY = numpy.array([12345, 678], dtype=numpy.uint64)
F32 = numpy.dtype(numpy.float32)
F64 = numpy.dtype(numpy.float64)

CASES = [
    Case('uniform', [const(KEY)], attrs=dict(shape=(3, 4), dtype=F32), grad=False),
    Case('uniform', [const(KEY)], attrs=dict(shape=(2, 3), dtype=F64), grad=False,
         name='uniform_f64'),
    Case('uniform', [const(KEY)], attrs=dict(shape=(), dtype=F32), grad=False,
         name='uniform_0d'),
    Case('normal', [const(KEY)], attrs=dict(shape=(3, 4), dtype=F32), grad=False),
    Case('normal', [const(KEY)], attrs=dict(shape=(5,), dtype=F64), grad=False,
         name='normal_f64'),
]

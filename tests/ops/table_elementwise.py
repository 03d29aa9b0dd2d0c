"""Rows for the elementwise ops (chainfuse/ops/elementwise.py)."""
import numpy

from chainfuse.testing import Case, bools, const, ints, nonzero, positive, uniform


def _sigmoid(x):
    return 1.0 / (1.0 + numpy.exp(-x))


CASES = [
    # ---- arithmetic ----
    Case('neg', [uniform(3, 4)], ref=numpy.negative),
    Case('add', [uniform(3, 4), uniform(3, 4)], ref=numpy.add),
    Case('add', [uniform(3, 4), uniform(4)], ref=numpy.add, name='add_bcast_row'),
    Case('add', [uniform(3, 1), uniform(1, 4)], ref=numpy.add, name='add_bcast_outer'),
    Case('add', [uniform(2, 3), uniform()], ref=numpy.add, name='add_bcast_0d'),
    Case('add', [ints(3, 4), ints(3, 4)], ref=numpy.add, name='add_int'),
    Case('sub', [uniform(3, 4), uniform(3, 4)], ref=numpy.subtract),
    Case('sub', [uniform(2, 1, 4), uniform(3, 1)], ref=numpy.subtract, name='sub_bcast'),
    Case('mul', [uniform(3, 4), uniform(3, 4)], ref=numpy.multiply),
    Case('mul', [uniform(2, 3, 4), uniform(3, 1)], ref=numpy.multiply, name='mul_bcast'),
    Case('mul', [uniform(3, 4), const(2.0)], ref=numpy.multiply, grad=(0,),
         name='mul_const'),
    Case('div', [uniform(3, 4), nonzero(3, 4)], ref=numpy.divide),
    Case('div', [uniform(4), nonzero(3, 1)], ref=numpy.divide, name='div_bcast'),
    Case('pow', [positive(3, 4), uniform(3, 4)], ref=numpy.power),
    Case('pow', [positive(3, 4), const(2.0)], ref=numpy.power, grad=(0,),
         name='pow_square'),
    Case('pow', [positive(3, 1), uniform(4)], ref=numpy.power, name='pow_bcast'),
    # ---- exponentials and logarithms ----
    Case('exp', [uniform(3, 4)], ref=numpy.exp),
    Case('log', [positive(3, 4)], ref=numpy.log),
    Case('log2', [positive(3, 4)], ref=numpy.log2),
    Case('log10', [positive(3, 4)], ref=numpy.log10),
    Case('log1p', [uniform(3, 4, low=-0.5, high=1.0)], ref=numpy.log1p),
    Case('expm1', [uniform(3, 4)], ref=numpy.expm1),
    Case('sqrt', [positive(3, 4)], ref=numpy.sqrt),
    Case('rsqrt', [positive(3, 4)], ref=lambda x: 1.0 / numpy.sqrt(x)),
    # ---- trigonometric and hyperbolic ----
    Case('sin', [uniform(3, 4, low=-3, high=3)], ref=numpy.sin),
    Case('cos', [uniform(3, 4, low=-3, high=3)], ref=numpy.cos),
    Case('tan', [uniform(3, 4)], ref=numpy.tan),
    Case('tanh', [uniform(3, 4, low=-2, high=2)], ref=numpy.tanh),
    Case('sigmoid', [uniform(3, 4, low=-3, high=3)], ref=_sigmoid),
    Case('arcsin', [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arcsin),
    Case('arccos', [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arccos),
    Case('arctan', [uniform(3, 4, low=-3, high=3)], ref=numpy.arctan),
    Case('arctanh', [uniform(3, 4, low=-0.9, high=0.9)], ref=numpy.arctanh),
    Case('arctan2', [nonzero(3, 4), nonzero(3, 4)], ref=numpy.arctan2),
    Case('arctan2', [uniform(3, 1), nonzero(4)], ref=numpy.arctan2, name='arctan2_bcast'),
    Case('fmod', [uniform(3, 4, low=-5, high=5), nonzero(3, 4)], ref=numpy.fmod),
    # ---- sign, abs, rounding ----
    Case('sign', [nonzero(3, 4)], ref=numpy.sign, grad=False),
    Case('abs', [nonzero(3, 4)], ref=numpy.abs),
    Case('floor', [uniform(3, 4, low=-3, high=3)], ref=numpy.floor, grad=False),
    Case('ceil', [uniform(3, 4, low=-3, high=3)], ref=numpy.ceil, grad=False),
    # ---- maximum, minimum, where ----
    Case('maximum', [uniform(3, 4), uniform(3, 4)], ref=numpy.maximum),
    Case('maximum', [uniform(3, 4), const(0.0)], ref=numpy.maximum, grad=(0,),
         name='maximum_relu'),
    Case('maximum', [uniform(2, 3), uniform(3)], ref=numpy.maximum, name='maximum_bcast'),
    Case('minimum', [uniform(3, 4), uniform(3, 4)], ref=numpy.minimum),
    Case('minimum', [uniform(3, 1), uniform(4)], ref=numpy.minimum, name='minimum_bcast'),
    Case('where', [bools(3, 4), uniform(3, 4), uniform(3, 4)], ref=numpy.where),
    Case('where', [bools(3, 1), uniform(4), uniform(3, 4)], ref=numpy.where,
         name='where_bcast'),
    # ---- comparisons and logic ----
    Case('greater', [uniform(3, 4), uniform(3, 4)], ref=numpy.greater, grad=False),
    Case('greater_equal', [uniform(3, 4), const([[0.5], [0.0], [-0.5]])],
         ref=numpy.greater_equal, grad=False),
    Case('less', [uniform(3, 4), uniform(4)], ref=numpy.less, grad=False),
    Case('less_equal', [ints(3, 4, high=3), ints(3, 4, high=3)], ref=numpy.less_equal,
         grad=False),
    Case('equal', [ints(3, 4, high=3), ints(3, 4, high=3)], ref=numpy.equal, grad=False),
    Case('equal', [const([0.5, 1.0, -2.0]), const([0.5, 2.0, -2.0])], ref=numpy.equal,
         grad=False, name='equal_float'),
    Case('not_equal', [ints(3, 4, high=3), ints(3, 4, high=3)], ref=numpy.not_equal,
         grad=False),
    Case('logical_not', [bools(3, 4)], ref=numpy.logical_not, grad=False),
    # ---- casts ----
    Case('astype', [uniform(3, 4)], attrs=dict(dtype=numpy.dtype(numpy.float32)),
         ref=lambda x, dtype: x.astype(dtype), name='astype_f32',
         tol={'backward': (1e-3, 1e-3)}),  # the numerical gradient sees float32 rounding
    Case('astype', [uniform(3, 4)], attrs=dict(dtype=numpy.dtype(numpy.float64)),
         ref=lambda x, dtype: x.astype(dtype), name='astype_f64'),
    Case('astype', [uniform(3, 4, low=-3, high=3)], attrs=dict(dtype=numpy.dtype(numpy.int32)),
         ref=lambda x, dtype: x.astype(dtype), grad=False, name='astype_to_int'),
    Case('astype', [ints(3, 4)], attrs=dict(dtype=numpy.dtype(numpy.float32)),
         ref=lambda x, dtype: x.astype(dtype), name='astype_from_int'),
]

"""Numerical gradient checks of every distribution quantity and KL pair.

Independent of Chainer's numbers: each case of distribution_cases.py is evaluated in
float64 and `chainfuse.gradient_check.check_backward` compares backprop's gradient of
every finite quantity with central differences, for every float parameter.
"""
import numpy
import pytest

import chainfuse
from chainfuse import gradient_check
from tests.distributions._recorded import QUANTITIES, REF, VALUE_CASES, evaluate

# the finite quantities (Chainer recorded weights for those): -inf outside a support
# has no gradient to check
FINITE = [(n, q) for n, q in QUANTITIES if f'{n}/{q}/w' in REF]


def _float64(a):
    return a.astype(numpy.float64) if a is not None and a.dtype.kind == 'f' else a


@pytest.mark.parametrize('name,quantity', FINITE, ids=[f'{n}-{q}' for n, q in FINITE])
def test_gradient_is_numerically_right(name, quantity):
    case = VALUE_CASES[name]
    params, x, u = case.make()
    params, x, u = [_float64(p) for p in params], _float64(x), _float64(u)
    floats = [k for k, p in enumerate(params) if p.dtype.kind == 'f']

    def f(*vs):
        full = list(params)
        for k, v in zip(floats, vs):
            full[k] = v
        return evaluate(case, full, quantity, x, u)

    with chainfuse.no_backprop_mode():
        y = f(*[params[k] for k in floats]).array
    assert numpy.isfinite(y).all()
    gy = numpy.random.RandomState(2).uniform(-1, 1, y.shape)
    gradient_check.check_backward(f, tuple(params[k] for k in floats), gy,
                                  eps=1e-6, atol=1e-7, rtol=1e-5)

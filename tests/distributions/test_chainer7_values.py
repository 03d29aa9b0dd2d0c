"""Every distribution quantity and KL pair against Chainer 7.8.1's numbers.

The cases are tests/data/chainer7/distribution_cases.py; distributions.npz holds what
Chainer computed for them (make_distributions.py).  For each quantity the value, its
shape and dtype, and the gradient of ``sum(quantity * w)`` for every parameter must
agree; a parameter Chainer gives no gradient gets none (or zeros) here.
"""
import warnings

import numpy
import pytest

import chainfuse
from tests.distributions._recorded import (
    QUANTITIES, REF, VALUE_CASES, cases, evaluate, variables)

VALUE_TOL = dict(rtol=2e-5, atol=1e-6)
GRAD_TOL = dict(rtol=2e-5, atol=1e-5)


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)  # Cauchy's undefined moments
        return fn(*args)


@pytest.mark.parametrize('name,quantity', QUANTITIES, ids=[f'{n}-{q}' for n, q in QUANTITIES])
def test_value_and_gradient_match_chainer(name, quantity):
    case = VALUE_CASES[name]
    params, x, u = case.make()
    vs = variables(params)
    y = _quiet(evaluate, case, vs, quantity, x, u)
    key = f'{name}/{quantity}'
    ref = REF[key]
    assert y.shape == ref.shape and y.dtype == ref.dtype, (y.shape, y.dtype, ref.dtype)
    numpy.testing.assert_allclose(y.array, ref, **VALUE_TOL, equal_nan=True)
    if f'{key}/w' not in REF:
        return      # not finite (or not a float): Chainer recorded no gradient
    chainfuse.functions.sum(y * REF[f'{key}/w']).backward()
    for k, v in enumerate(vs):
        got = v.grad if isinstance(v, chainfuse.Variable) else None
        want = REF.get(f'{key}/grad{k}')
        if want is None:
            assert got is None or not numpy.any(got), f'param{k}: Chainer has no gradient'
        else:
            assert got is not None, f'param{k}: no gradient'
            numpy.testing.assert_allclose(got, want, **GRAD_TOL, err_msg=f'param{k}')


@pytest.mark.parametrize('name', [c.name for c in cases.CASES])
def test_shapes_match_chainer(name):
    case = VALUE_CASES[name]
    params, _, _ = case.make()
    dist = case.build(chainfuse, *params)
    assert dist.batch_shape == tuple(REF[f'{name}/batch_shape'])
    assert dist.event_shape == tuple(REF[f'{name}/event_shape'])


def test_the_recording_is_complete():
    missing = [f'{n}/{q}' for n, q in QUANTITIES if f'{n}/{q}' not in REF]
    missing += [f'{c.name}/sample' for c in cases.SAMPLE_CASES if f'{c.name}/sample' not in REF]
    assert not missing, ('distributions.npz is stale (missing ' + ', '.join(missing) +
                         '); rerun tests/data/chainer7/make_distributions.py')

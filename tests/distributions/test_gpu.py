"""Distributions on CuPy arrays give the recorded Chainer numbers, and sample on the
GPU (GPU only)."""
import numpy
import pytest

import chainfuse
from chainfuse import backend
from tests.distributions._recorded import (
    QUANTITIES, REF, SAMPLE_CASES, VALUE_CASES, evaluate)

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not backend.cuda_available(), reason='needs a GPU')]


def _gpu(a):
    return None if a is None else backend.to_gpu(a)


@pytest.mark.parametrize('name,quantity', QUANTITIES, ids=[f'{n}-{q}' for n, q in QUANTITIES])
def test_values_and_gradients_on_the_gpu_match_chainer(name, quantity):
    case = VALUE_CASES[name]
    params, x, u = case.make()
    vs = [chainfuse.Variable(_gpu(p)) if p.dtype.kind == 'f' else _gpu(p) for p in params]
    with numpy.errstate(all='ignore'):
        y = evaluate(case, vs, quantity, _gpu(x), _gpu(u))
    assert backend.is_cupy_array(y.array)
    numpy.testing.assert_allclose(backend.to_cpu(y.array), REF[f'{name}/{quantity}'],
                                  rtol=1e-4, atol=1e-5, equal_nan=True)
    if f'{name}/{quantity}/w' in REF:
        chainfuse.functions.sum(y * _gpu(REF[f'{name}/{quantity}/w'])).backward()
        for k, v in enumerate(vs):
            want = REF.get(f'{name}/{quantity}/grad{k}')
            if want is not None:
                numpy.testing.assert_allclose(backend.to_cpu(v.grad), want, rtol=1e-4,
                                              atol=1e-5)


@pytest.mark.parametrize('case', sorted(SAMPLE_CASES))
def test_numpy_drawn_samples_come_from_cupy_on_the_gpu(case):
    c = SAMPLE_CASES[case]
    params, _, _ = c.make()
    s = c.build(chainfuse, *[_gpu(p) for p in params]).sample(c.shape)
    assert backend.is_cupy_array(s.array)
    assert s.shape == REF[f'{case}/sample'].shape and s.dtype == REF[f'{case}/sample'].dtype


@pytest.mark.parametrize('make', [
    lambda D, a: D.Normal(a, a + 1), lambda D, a: D.Bernoulli(a / 4 + 0.5),
    lambda D, a: D.Categorical(a[None].repeat(2, 0) ** 2 / (a ** 2).sum()),
    lambda D, a: D.Laplace(a, a + 1), lambda D, a: D.Uniform(low=a, high=a + 1)])
def test_op_samples_live_on_the_gpu(make):
    a = backend.to_gpu(numpy.array([0.5, 1.0, 1.5], numpy.float32))
    s = make(chainfuse.distributions, a).sample(4)
    assert backend.is_cupy_array(s.array)

"""The ``bound`` framework runs exactly the matrix products of one training step.

The hand-written numpy baseline computes every product a step needs and no other (its
first layer computes no input gradient, as the bound assumes), so for the sequential
models the two lists of (m, k, n) must be equal; the LSTM baseline also computes the
input gradient of its first time step, which the bound leaves out.
"""
import collections

import numpy
import pytest

from benchmarks import specs
from benchmarks.adapters.bound import Bound, step_gemms
from benchmarks.adapters.numpy_loop import NumpyLoop


def baseline_gemms(spec, monkeypatch):
    """(m, k, n) of every numpy.matmul one step of the numpy baseline makes."""
    seen = []
    matmul = numpy.matmul

    def counted(a, b, **kwargs):
        seen.append((a.shape[0], a.shape[1], b.shape[1]))
        return matmul(a, b, **kwargs)
    loop = NumpyLoop()
    loop.setup(spec, specs.init_params(spec), *specs.make_batch(spec))
    monkeypatch.setattr(numpy, 'matmul', counted)
    loop.step()
    monkeypatch.setattr(numpy, 'matmul', matmul)
    return seen


@pytest.mark.parametrize('model', ['mlp50_adam', 'gelu_mlp', 'lenet', 'mlp100_sgd_b1'])
def test_bound_gemms_are_the_baselines(model, monkeypatch):
    spec = specs.MODELS[model]
    assert collections.Counter(step_gemms(spec)) == \
        collections.Counter(baseline_gemms(spec, monkeypatch))


def test_lstm_bound_leaves_out_the_first_input_gradient(monkeypatch):
    spec = specs.MODELS['lstm_narrow']
    net = spec['net']
    extra = (spec['batch'], 4 * net['n_hidden'], net['n_in'] + net['n_hidden'])
    expected = collections.Counter(baseline_gemms(spec, monkeypatch))
    expected[extra] -= 1
    assert collections.Counter(step_gemms(spec)) == expected


def test_bound_step_runs_its_gemms_and_has_no_loss():
    spec = specs.MODELS['mlp100_sgd_b8']
    bound = Bound()
    bound.setup(spec, specs.init_params(spec), *specs.make_batch(spec))
    assert bound.step_loss() is None
    for _, a, b, out in bound.calls:
        numpy.testing.assert_allclose(out, a @ b, rtol=1e-5)
    k = bound.kernels()
    assert k['gemms'] == 8
    assert k['gflop'] == pytest.approx(sum(2 * m * k * n for m, k, n in bound.shapes) / 1e9)

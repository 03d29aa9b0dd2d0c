"""Backends as a table: lookup, selection from the arrays and backend=, the clear errors,
numpy and numba plans agreeing, and a third backend added from outside the package."""
import collections

import numpy
import pytest

import chainfuse as cf
import chainfuse.links as L
from chainfuse import Variable
from chainfuse import backend as array_backend
from chainfuse.compiler import compile_training
from chainfuse.compiler.backends import (
    BACKENDS, BackendUnavailableError, get_backend, register_backend, select_backend,
    unregister_backend)
from chainfuse.compiler.backends.numba import NumbaBackend
from chainfuse.compiler.backends.numpy import NumpyBackend
from chainfuse.compiler.codegen.cpu import numba_available
from chainfuse.compiler.executor import build
from chainfuse.compiler.lowering import lower
from chainfuse.compiler.memory import plan_memory
from chainfuse.compiler.plan import Plan
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.runtime.explain import latest_entry
from chainfuse.tracer import trace

needs_numba = pytest.mark.skipif(not numba_available(), reason='numba is not installed')


def test_the_table_lists_numba_numpy_and_the_cuda_slot_in_order():
    assert list(BACKENDS)[:3] == ['numba', 'numpy', 'cuda']
    assert get_backend('numpy').name == 'numpy'
    assert get_backend('numpy').xp is numpy


def test_an_unknown_backend_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown backend 'tpu'; valid backends: 'auto', "
                                         "'numba', 'numpy', 'cuda'"):
        get_backend('tpu')
    with pytest.raises(ValueError, match='unknown backend'):
        Plan(_mlp_graph(), backend='tpu')


def test_the_cuda_slot_is_registered_and_says_it_is_not_built():
    message = r'CUDA backend not available yet: requires cupy and the CUDA backend \(issue 15\)'
    with pytest.raises(BackendUnavailableError, match=message):
        get_backend('cuda')
    with pytest.raises(BackendUnavailableError, match=message):
        Plan(_mlp_graph(), backend='cuda')
    with pytest.raises(BackendUnavailableError, match=message):
        BACKENDS['cuda'].build_kernel(None, {}, False)


def test_auto_picks_numba_for_numpy_arrays_when_numba_is_installed(monkeypatch):
    monkeypatch.delenv('CHAINFUSE_BACKEND', raising=False)
    x = numpy.ones(3, 'float32')
    want = 'numba' if numba_available() else 'numpy'
    assert select_backend([x]).name == want
    assert select_backend([]).name == want
    monkeypatch.setattr(NumbaBackend, 'available', lambda self: False)
    assert select_backend([x]).name == 'numpy'
    with pytest.raises(BackendUnavailableError, match="backend='numba' was requested but "
                                                      'numba is not installed'):
        select_backend([x], 'numba')


def test_chainfuse_backend_sets_what_auto_picks(monkeypatch):
    x = numpy.ones(3, 'float32')
    monkeypatch.setenv('CHAINFUSE_BACKEND', 'numpy')
    assert select_backend([x]).name == 'numpy'
    assert select_backend([x], 'numba').name == 'numba'        # an explicit name wins
    plan = Plan(_mlp_graph())
    assert plan.backend == 'numpy' and all(k.fn is None for k in plan.kernels)
    monkeypatch.setenv('CHAINFUSE_BACKEND', 'tpu')
    with pytest.raises(ValueError, match="unknown backend 'tpu'"):
        select_backend([x])


def test_backend_argument_is_checked_against_the_arrays_module(monkeypatch):
    class FakeCupyArray:            # cupy is not installed here: a stand-in for its ndarray
        pass
    monkeypatch.setattr(array_backend, 'is_cupy_array',
                        lambda a: isinstance(a, FakeCupyArray))
    gpu = FakeCupyArray()
    with pytest.raises(BackendUnavailableError, match='CUDA backend not available yet'):
        select_backend([gpu])                       # cupy arrays -> the cuda slot
    with pytest.raises(ValueError, match="backend 'numpy' runs on numpy arrays, but the "
                                         'inputs are cupy arrays'):
        select_backend([gpu], 'numpy')
    with pytest.raises(ValueError, match='mix numpy and cupy arrays'):
        select_backend([gpu, numpy.ones(2)])
    assert select_backend([numpy.ones(2)], 'numpy').name == 'numpy'


def _mlp_graph():
    rng = numpy.random.default_rng(0)
    W = rng.standard_normal((5, 4)).astype('float32')
    b = rng.standard_normal(5).astype('float32')

    def f(x):
        h = linalg.matmul(x, W, transb=True) + b
        return R.sum(E.maximum(h, 0.0) * h + E.where(h > 0.5, h, -h))
    return trace(f, rng.standard_normal((3, 4)).astype('float32')).graph


def _gelu_graph():
    def f(x, y):
        g = 0.5 * x * (1.0 + E.tanh(0.7978846 * (x + 0.044715 * x * x * x)))
        return R.sum(g * y + E.exp(-x) / (1.0 + x * x))
    rng = numpy.random.default_rng(1)
    return trace(f, rng.standard_normal((4, 6)).astype('float32'),
                 rng.standard_normal((4, 6)).astype('float32')).graph


@needs_numba
@pytest.mark.parametrize('make, exact', [(_mlp_graph, True), (_gelu_graph, False)])
def test_numpy_and_numba_plans_agree(make, exact):
    graph = make()
    args = _args_for(graph)
    results = {}
    for backend in ('numpy', 'numba'):
        compiled = compile_training(graph, backend=backend, verify=True)
        fwd = compiled.forward_plan
        assert fwd.backend == backend and f'backend {backend}' in str(fwd)
        outs = fwd(*[a.copy() for a in args])
        results[backend] = [numpy.asarray(o).copy() for o in outs]
    assert any(k.fn is not None for k in compile_training(graph, backend='numba')
               .forward_plan.kernels)
    for a, b in zip(results['numpy'], results['numba']):
        if exact:
            numpy.testing.assert_array_equal(a, b)
        else:       # float32 tanh: the numba kernel's rational approximation (3.3e-7)
            numpy.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6)


def _args_for(graph):
    rng = numpy.random.default_rng(2)
    return [rng.standard_normal(v.aval.shape).astype(v.aval.dtype)
            for v in graph.runtime_inputs]


def test_the_three_stages_fill_the_plan_in_turn():
    graph = _mlp_graph()
    args = _args_for(graph)
    plan = lower(graph, 'numpy')
    assert plan.steps and plan.peak_bytes is None and plan.source is None
    assert 'memory not planned' in str(plan)
    with pytest.raises(RuntimeError, match='not built yet'):
        plan(*args)
    assert plan_memory(plan).peak_bytes > 0
    assert 'peak' in str(plan)
    build(plan)
    assert plan.source.startswith('def run(')
    numpy.testing.assert_array_equal(plan(*args)[0], Plan(graph, backend='numpy')(*args)[0])


# ---- a third backend, added from outside the package ----

class CountingKernel:
    """A kernel of the numpy-debug backend: runs FusedOp.impl, counts its calls."""

    def __init__(self, op, inplace, calls):
        self.op, self.inplace, self.calls = op, dict(inplace), calls
        self.fallback_reason = None
        self.source = f'# numpy-debug runs {op.name} with FusedOp.impl\n'

    def fn(self, *arrays):
        n_in = len(self.op.in_avals)
        ins, outs = arrays[:n_in], iter(arrays[n_in:])
        res = self.op.impl(numpy, *ins)
        res = res if isinstance(res, tuple) else (res,)
        for k, r in enumerate(res):
            target = ins[self.inplace[k]] if k in self.inplace else next(outs)
            target[...] = r
        self.calls[self.op.name] += 1


class NumpyDebugBackend(NumpyBackend):
    name = 'numpy-debug'
    auto = False
    compiles_kernels = True         # so its kernels get buffers and in-place writes

    def __init__(self):
        self.calls = collections.Counter()

    def build_kernel(self, op, inplace, beside_blas):
        return CountingKernel(op, inplace, self.calls)


@pytest.fixture
def debug_backend():
    backend = register_backend(NumpyDebugBackend())
    yield backend
    unregister_backend(backend.name)


def test_a_registered_backend_runs_a_compiled_model_end_to_end(debug_backend):
    assert select_backend([numpy.ones(1)]).name != 'numpy-debug'    # auto=False
    cf.set_random_seed(0)
    eager = L.Classifier(L.Linear(4, 3))
    cf.set_random_seed(0)
    model = cf.compile(L.Classifier(L.Linear(4, 3)), backend='numpy-debug', fallback='raise')
    rng = numpy.random.default_rng(0)
    for _ in range(2):
        x = rng.standard_normal((5, 4)).astype('float32')
        t = rng.integers(0, 3, 5).astype('int32')
        losses = []
        for m in (model, eager):
            m.cleargrads()
            loss = m(Variable(x), t)
            loss.backward()
            losses.append(loss.array)
        numpy.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)
        for (_, p), (_, q) in zip(sorted(model.namedparams()), sorted(eager.namedparams())):
            numpy.testing.assert_allclose(p.grad, q.grad, rtol=1e-5, atol=1e-6)
    assert {p.backend for p in latest_entry(model).plans} == {'numpy-debug'}
    assert sum(debug_backend.calls.values()) >= 2 * 2    # forward and backward, two calls

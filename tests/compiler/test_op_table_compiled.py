"""Every row of the op and function tables, traced and compiled (Numba backend): the
compiled forward values and gradients equal eager ones (float32 rtol 1e-5, float64
rtol 1e-12, each with a small absolute tolerance for values near zero).

The scalar that is differentiated is ``sum(out_k * w_k)`` over the float outputs with
fixed random weights, so every output's cotangent is a full random array.  Rows of
random ops are left to the dedicated tests (tests/tracer/test_zoo.py, the dropout
tests), since a table row has no way to feed both runs the same key.
"""
import pathlib

import numpy
import pytest

import chainfuse
from chainfuse import Variable, set_random_seed
from chainfuse.random import next_key
from chainfuse.tracer import GraphBreak
from chainfuse.compiler import compile_training
from chainfuse.ops import RANDOM
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.testing.collect import load_tables
from chainfuse.testing.runner import make_inputs
from chainfuse.tracer import trace

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOL = {numpy.dtype('float32'): (1e-5, 1e-5), numpy.dtype('float64'): (1e-12, 1e-10)}


def _rows():
    rows = []
    for directory in ('ops', 'functions'):
        for stem, case in load_tables(ROOT / directory).cases:
            if case.is_op and case.op.kind == RANDOM:
                continue
            if case.ref is None:
                continue  # a random function (dropout): see the module docstring
            for dtype in case.dtypes:
                if numpy.dtype(dtype) in TOL and case.float_inputs:
                    rows.append(pytest.param(case, numpy.dtype(dtype),
                                             id=f'{stem}:{case.name}-{numpy.dtype(dtype)}'))
    return rows


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


@pytest.mark.parametrize('case,dtype', _rows())
def test_compiled_equals_eager(case, dtype):
    arrays = make_inputs(case, dtype)
    rng = numpy.random.default_rng(1)
    probe = _as_tuple(case.call([Variable(a.copy(), requires_grad=False) for a in arrays]))
    weights = [rng.uniform(-1, 1, y.shape).astype(y.dtype) if y.dtype.kind == 'f' else None
               for y in probe]
    if all(w is None for w in weights):
        tr = trace(lambda *xs: case.call(xs), *[Variable(a.copy()) for a in arrays])
        for got, want in zip(tr.graph.run(*[a for a, v in zip(arrays, tr.graph.inputs)]
                                          [:len(tr.graph.runtime_inputs)]), probe):
            numpy.testing.assert_array_equal(got, want.array)
        return

    def fn(*xs):
        total = None
        for y, w in zip(_as_tuple(case.call(xs)), weights):
            if w is not None:
                term = R.sum(E.mul(y, w))
                total = term if total is None else total + term.astype(total.dtype) \
                    if hasattr(term, 'astype') else total + term
        return total

    grad_inputs = set(case.grad_inputs)
    xs = [Variable(a.copy(), requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]
    set_random_seed(0)
    y = fn(*xs)
    y.backward()
    try:
        tr = trace(fn, *[Variable(a.copy(), requires_grad=i in grad_inputs)
                         for i, a in enumerate(arrays)])
    except GraphBreak:
        # data-dependent on the host (e.g. permutate(inv=True) argsorts its indices):
        # compile() must fall back to eager and still give eager's result
        with pytest.warns(RuntimeWarning, match='running eagerly'):
            got = chainfuse.compile(fn)(*[Variable(a.copy()) for a in arrays])
        numpy.testing.assert_array_equal(got.array, y.array)
        return
    compiled = compile_training(tr.graph, verify=True, backend='numba')
    runtime = tr.graph.runtime_inputs
    set_random_seed(0)
    feed = [arrays[src[1][1]] if src[0] == 'arg' else next_key() for src in tr.sources]
    outs = compiled.forward_plan(*feed)
    atol, rtol = TOL[dtype]
    numpy.testing.assert_allclose(outs[0], y.array, rtol=rtol, atol=atol)
    saved = outs[1:]
    args = [saved[k] if kind == 'saved' else feed[k] if kind == 'input'
            else numpy.ones((), y.dtype) for kind, k in compiled.partition.bwd_sources]
    grads = dict(zip([n for _, kind, n in compiled.backward_plan.graph.outputs],
                     compiled.backward_plan(*args)))
    for v, x in zip(runtime, xs):
        if x.grad is None:
            continue
        numpy.testing.assert_allclose(grads[v.name], x.grad, rtol=rtol * 10,
                                      atol=atol * 10, err_msg=f'gradient of {v.name}')

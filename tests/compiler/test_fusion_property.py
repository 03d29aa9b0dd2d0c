"""Randomized elementwise DAGs with broadcasting: compiled == interpreter == eager.

The programs include where (of a bool input, of ``v > 0`` or of ``v > u`` for two
values), operands of shape () and (1, 1), repeated operands (``maximum(v, v)``,
``where(c, v, v)``), ties between distinct operands (values drawn from a small grid) and
comparisons that see the last bit of tanh (values near 0, where float32 ``tanh(v)`` rounds
to ``v``).  The default run draws CHAINFUSE_PROPERTY_EXAMPLES (1000) programs through the
numpy backend, about a minute on two cores, and CHAINFUSE_PROPERTY_NUMBA_EXAMPLES (12)
through the Numba loops, whose compilation dominates their cost.

Hypothesis draws small graphs of unary/binary elementwise ops over inputs of
broadcast-compatible shapes, with values used by several consumers (diamonds),
several outputs, and values consumed both inside and outside fused groups (a
reduction).  Each graph is traced, compiled for training, and its forward values and
gradients are compared with eager execution and with the reference interpreter.
"""
import os

import numpy
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from chainfuse import Variable
from chainfuse.compiler import compile_training
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.tracer import trace

UNARY = [E.tanh, E.sigmoid, E.neg, E.sin, lambda x: E.exp(E.tanh(x)), lambda x: x * x]
BINARY = [E.add, E.sub, E.mul, E.maximum, E.minimum, lambda a, b: a / (E.exp(b) + 1.0)]
SHAPES = [(3, 4), (1, 4), (4,), (3, 1), (1, 1), ()]
GRID = numpy.array([-1.0, -0.5, 0.0, 0.5, 1.0])   # few values: ties in maximum/minimum
SMALL = 0.03        # 'small' values: tanh(x*x) == x*x in float32 for most of them

# The default run draws this many programs (numpy backend) and NUMBA_EXAMPLES through
# the Numba loops; both are cheap enough for every CI run (see the module docstring).
EXAMPLES = int(os.environ.get('CHAINFUSE_PROPERTY_EXAMPLES', 1000))
NUMBA_EXAMPLES = int(os.environ.get('CHAINFUSE_PROPERTY_NUMBA_EXAMPLES', 12))


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 3))
    shapes = [(3, 4)] + [draw(st.sampled_from(SHAPES)) for _ in range(n_inputs - 1)]
    cond_shape = draw(st.sampled_from([None] + SHAPES))   # a bool input for where
    steps = []
    n_values = n_inputs

    def operand():
        return draw(st.integers(0, n_values - 1))

    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from('ubbw'))
        a = operand()
        b = a if draw(st.booleans()) else operand()   # repeated inputs: f(v, v)
        if kind == 'u':
            steps.append(('u', draw(st.integers(0, len(UNARY) - 1)), a))
        elif kind == 'b':
            steps.append(('b', draw(st.integers(0, len(BINARY) - 1)), a, b))
        else:   # where(cond, a, b): cond is the bool input, ``v > 0`` or ``v > u``
            cond = draw(st.sampled_from(['input', 'zero', 'pair']))
            src = -1 if cond == 'input' and cond_shape is not None else \
                (operand(), operand()) if cond == 'pair' else operand()
            steps.append(('w', src, a, b))
        n_values += 1
    n_out = draw(st.integers(1, 3))
    outs = [draw(st.integers(n_inputs, n_values - 1)) for _ in range(n_out)]
    reduce_mid = draw(st.integers(0, n_values - 1))
    values = draw(st.sampled_from(['uniform', 'grid', 'small']))
    return shapes, steps, outs, reduce_mid, cond_shape, values


def build(shapes, steps, outs, reduce_mid, cond_shape=None, values=None):
    """The program as a function of its float inputs (then the bool one, if any)."""
    def fn(*xs):
        vals = list(xs[:len(shapes)])
        cond = xs[len(shapes)] if cond_shape is not None else None
        for step in steps:
            if step[0] == 'u':
                vals.append(UNARY[step[1]](vals[step[2]]))
            elif step[0] == 'b':
                vals.append(BINARY[step[1]](vals[step[2]], vals[step[3]]))
            else:
                src = step[1]
                c = E.greater(vals[src[0]], vals[src[1]]) if isinstance(src, tuple) else \
                    cond if src < 0 else E.greater(vals[src], 0.0)
                vals.append(E.where(c, vals[step[2]], vals[step[3]]))
        total = R.sum(vals[reduce_mid] * 0.5)  # a consumer outside any fused group
        for i in outs:
            total = total + R.sum(vals[i])
        return total
    return fn


def inputs(program, dtype):
    shapes, _, _, _, cond_shape, values = program
    rng = numpy.random.default_rng(0)
    if values == 'grid':
        arrays = [rng.choice(GRID, s).astype(dtype) for s in shapes]
    elif values == 'small':
        arrays = [rng.uniform(-SMALL, SMALL, s).astype(dtype) for s in shapes]
    else:
        arrays = [rng.uniform(-1, 1, s).astype(dtype) for s in shapes]
    if cond_shape is not None:
        arrays.append(numpy.asarray(rng.uniform(-1, 1, cond_shape) > 0))
    return arrays


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from(['float32', 'float64']))
def test_random_elementwise_dags(program, dtype):
    # the numpy backend runs each fused group op by op (FusedOp.impl): this checks the
    # graph transformations; the Numba loops are checked below on fewer examples
    check_program(program, dtype, 'numpy')


@settings(max_examples=NUMBA_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from(['float32', 'float64']))
def test_random_elementwise_dags_numba(program, dtype):
    check_program(program, dtype, 'numba')


@pytest.mark.parametrize('program', [
    # where(in0, in0, in1, in1): a lone where whose kernel inputs repeat (a 0-d condition)
    ([(3, 4), ()], [('w', -1, 1, 1)], [2], 0, (), 'uniform'),
    ([(3, 4), (1, 1)], [('w', -1, 0, 0), ('w', -1, 1, 1)], [2, 3], 0, (), 'grid'),
    # ties: maximum/minimum of a value with itself, and of equal values
    ([(3, 4)], [('b', 3, 0, 0)], [1], 0, None, 'uniform'),
    ([(3, 4)], [('b', 4, 0, 0), ('u', 0, 1)], [2], 0, None, 'uniform'),
    ([(3, 4), (1, 1)], [('b', 3, 0, 1), ('b', 4, 1, 0)], [2, 3], 0, None, 'grid'),
    # where(x*x > tanh(x*x), x, x*x) near 0, where float32 tanh(v) rounds to v
    ([(3, 4)], [('u', 5, 0), ('u', 0, 1), ('w', (1, 2), 0, 1)], [3], 0, None, 'small'),
])
@pytest.mark.parametrize('backend', ['numpy', 'numba'])
def test_found_programs(program, backend):
    check_program(program, 'float32', backend)


def check_program(program, dtype, backend):
    fn = build(*program)
    arrays = inputs(program, dtype)
    xs = [Variable(a.copy()) for a in arrays]
    y = fn(*xs)
    y.backward()
    tr = trace(fn, *[Variable(a.copy()) for a in arrays])
    compiled = compile_training(tr.graph, verify=True, backend=backend)
    rtol = 1e-5 if dtype == 'float32' else 1e-12
    outs_c = compiled.forward_plan(*arrays)
    ref = tr.graph.run(*arrays)
    numpy.testing.assert_allclose(outs_c[0], y.array, rtol=rtol, atol=rtol)
    numpy.testing.assert_allclose(ref[0], y.array, rtol=rtol, atol=rtol)
    saved = outs_c[1:]
    gy = numpy.ones((), dtype)
    args = [saved[k] if kind == 'saved' else arrays[k] if kind == 'input' else gy
            for kind, k in compiled.partition.bwd_sources]
    grads = compiled.backward_plan(*args)
    names = [name for _, kind, name in compiled.backward_plan.graph.outputs]
    by_name = dict(zip(names, grads))
    data_names = [v.name for v in tr.graph.runtime_inputs]
    for name, x in zip(data_names, xs):
        if x.grad is None:
            assert name not in by_name
            continue
        numpy.testing.assert_allclose(by_name[name], x.grad, rtol=rtol * 10, atol=rtol * 10)


def test_repeated_runs_are_bitwise_identical():
    fn = build([(3, 4), (4,)], [('b', 2, 0, 1), ('u', 0, 2), ('b', 0, 3, 0)], [4], 2)
    arrays = [numpy.linspace(-1, 1, 12, dtype='float32').reshape(3, 4),
              numpy.linspace(0, 1, 4, dtype='float32')]
    compiled = compile_training(trace(fn, *[Variable(a) for a in arrays]).graph)
    first = compiled.forward_plan(*arrays)
    for _ in range(3):
        again = compiled.forward_plan(*arrays)
        for a, b in zip(first, again):
            assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize('backend', ['numpy', 'numba'])
def test_backends_agree(backend):
    fn = build([(3, 4), (1, 4)], [('b', 0, 0, 1), ('u', 1, 2), ('b', 3, 3, 0)], [4], 0)
    arrays = [numpy.linspace(-1, 1, 12, dtype='float64').reshape(3, 4),
              numpy.linspace(0, 1, 4, dtype='float64').reshape(1, 4)]
    y = fn(*[Variable(a) for a in arrays])
    compiled = compile_training(trace(fn, *[Variable(a) for a in arrays]).graph,
                                backend=backend)
    numpy.testing.assert_allclose(compiled.forward_plan(*arrays)[0], y.array, rtol=1e-12)

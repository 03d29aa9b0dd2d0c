"""Native segments: runs of plan steps as one Numba function, equal to the Python
executor bit for bit (each native op against its numpy impl; whole training steps
with segments on and off)."""
import numpy
import pytest

import chainfuse
from chainfuse.compiler import segments as S
from chainfuse.compiler.codegen import native_blas
from chainfuse.compiler.plan import Plan
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import Aval
from chainfuse.tracer.ir import Graph, IRError

F32, F64 = numpy.float32, numpy.float64


def _graph(op, in_avals, attrs, then_reshape=True):
    """A graph of `op` on fresh inputs, its result flattened by a reshape (so the two
    steps make a run a segment can take)."""
    g = Graph(f'seg_{op.name}')
    ins = [g.add_input(a, 'data', f'x{i}') for i, a in enumerate(in_avals)]
    out_aval = op.infer(*in_avals, **attrs)
    y = g.add_node(op, ins, attrs, [out_aval]).outputs[0]
    if then_reshape:
        y = g.add_node(A.reshape, [y], dict(shape=(out_aval.size,)),
                       [Aval((out_aval.size,), out_aval.dtype)]).outputs[0]
    g.add_output(y, 'result', 'y')
    return g


def _data(aval, rng, special=True):
    if aval.dtype == numpy.bool_:
        return rng.random(aval.shape) < 0.5
    if aval.dtype.kind in 'iu':
        return rng.integers(0, 10, aval.shape).astype(aval.dtype)
    x = rng.standard_normal(aval.shape).astype(aval.dtype)
    if special and x.size >= 4:
        flat = x.reshape(-1)
        flat[:4] = [0.0, -0.0, 1.0, -1.0]
    return x


def _run_both(g, arrays):
    on = Plan(g, backend='numba', segments=True).verify()
    off = Plan(g, backend='numba', segments=False).verify()
    assert not off.segments
    got = on(*[a.copy() for a in arrays])
    want = off(*[a.copy() for a in arrays])
    return on, got, want


def _assert_bitwise(got, want):
    for a, b in zip(got, want):
        a, b = numpy.asarray(a), numpy.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes(), (a, b)


V8 = Aval((8, 10), F32)
COL = Aval((8, 1), F32)
ROW = Aval((10,), F32)

BOOL = Aval((8, 10), numpy.bool_)
D8 = Aval((8, 10), F64)
LONE = [
    ('add', [V8, ROW]), ('add', [V8, COL]), ('sub', [V8, COL]), ('mul', [V8, V8]),
    ('div', [V8, V8]), ('neg', [V8]), ('maximum', [V8, V8]), ('minimum', [V8, ROW]),
    ('abs', [V8]), ('sqrt', [V8]), ('rsqrt', [V8]), ('tanh', [V8]), ('sigmoid', [V8]),
    ('equal', [V8, COL]), ('not_equal', [V8, V8]), ('greater', [V8, ROW]),
    ('greater_equal', [V8, V8]), ('less', [V8, V8]), ('less_equal', [V8, COL]),
    ('where', [BOOL, V8, ROW]), ('floor', [V8]), ('ceil', [V8]), ('sign', [V8]),
    ('logical_not', [BOOL]), ('add', [D8, D8]), ('div', [D8, D8]), ('sqrt', [D8]),
]


@pytest.mark.parametrize('name,avals', LONE, ids=[f'{n}{i}' for i, (n, _) in enumerate(LONE)])
def test_lone_elementwise_op_equals_its_numpy_impl(name, avals):
    from chainfuse.ops.registry import OPS
    op = OPS[name]
    rng = numpy.random.default_rng(0)
    arrays = [_data(a, rng, special=name != 'div') for a in avals]
    if name in ('floor', 'ceil'):
        arrays = [a * F32(4) for a in arrays]
    if name in ('sqrt', 'rsqrt'):
        arrays = [numpy.abs(a) + 0.1 for a in arrays]
    plan, got, want = _run_both(_graph(op, avals, {}), arrays)
    assert len(plan.segments) == 1 and name in S.NATIVE_ELEMENTWISE
    _assert_bitwise(got, want)
    expected = numpy.asarray(op.impl(numpy, *arrays)).reshape(-1)
    _assert_bitwise(got, [expected])


REDUCE = [
    (R.sum, (8, 10), dict(axis=(1,), keepdims=True)),
    (R.sum, (8, 10), dict(axis=None, keepdims=False)),
    (R.sum, (8, 300), dict(axis=(1,), keepdims=False)),
    (R.sum, (3, 100000), dict(axis=None, keepdims=False)),
    (R.sum, (1000, 3), dict(axis=(0,), keepdims=False)),
    (R.sum, (4, 1, 6, 5), dict(axis=(2, 3), keepdims=True)),
    (R.sum, (5, 7, 1), dict(axis=(2,), keepdims=False)),
    (R.max, (8, 10), dict(axis=(1,), keepdims=True)),
    (R.max, (64, 129), dict(axis=(0,), keepdims=True)),
    (R.max, (8, 10), dict(axis=None, keepdims=False)),
    (A.sum_to, (8, 100), dict(shape=(100,))),
    (A.sum_to, (8, 10), dict(shape=(8, 1))),
    (A.sum_to, (2, 8, 100), dict(shape=(1, 100))),
    (A.sum_to, (16, 3), dict(shape=(3,))),
]


@pytest.mark.parametrize('op,shape,attrs', REDUCE,
                         ids=[f'{o.name}{i}' for i, (o, _, _) in enumerate(REDUCE)])
@pytest.mark.parametrize('dtype', [F32, F64])
def test_reduction_equals_its_numpy_impl(op, shape, attrs, dtype):
    aval = Aval(shape, dtype)
    rng = numpy.random.default_rng(1)
    x = _data(aval, rng)
    if op is R.max:
        x.reshape(-1)[5] = numpy.nan
    plan, got, want = _run_both(_graph(op, [aval], attrs), [x])
    assert len(plan.segments) == 1
    _assert_bitwise(got, want)
    expected = numpy.asarray(op.impl(numpy, x, **attrs)).reshape(-1)
    _assert_bitwise(got, [expected])


def test_float64_tanh_and_transcendental_lone_ops_stay_python_calls():
    # numpy's own SIMD exp/log/... and float64 tanh differ from libm's in the last bit
    for name, aval in [('tanh', D8), ('sigmoid', D8), ('exp', V8), ('log', V8)]:
        from chainfuse.ops.registry import OPS
        plan = Plan(_graph(OPS[name], [aval], {}), backend='numba', segments=True)
        assert S.native_kind(plan, plan.steps[0]) is None


def test_reduction_over_middle_axes_stays_a_python_call():
    g = _graph(R.sum, [Aval((4, 5, 6), F32)], dict(axis=(1,), keepdims=False))
    plan = Plan(g, backend='numba', segments=True)
    assert not plan.segments
    assert S.native_kind(plan, plan.steps[0]) is None


MATMUL = [((8, 784), (100, 784), False, True), ((8, 100), (100, 10), False, False),
          ((8, 100), (8, 784), True, False), ((10, 8), (100, 10), True, True),
          ((64, 512), (512, 512), False, False), ((3, 5), (5, 7), False, False),
          # numpy's gemv routes (m = 1: vector @ matrix, n = 1: matrix @ vector), each
          # operand plain and transposed
          ((1, 784), (100, 784), False, True), ((1, 10), (10, 100), False, False),
          ((100, 1), (100, 10), True, False), ((30, 1), (100, 30), True, True),
          ((8, 100), (100, 1), False, False), ((100, 8), (1, 100), True, True),
          ((8, 100), (1, 100), False, True), ((100, 8), (100, 1), True, False),
          # k = 1: the impl's numpy.dot of an outer product
          ((1, 100), (1, 784), True, False), ((100, 1), (1, 10), False, False),
          ((1, 100), (784, 1), True, True), ((100, 1), (784, 1), False, True)]


@pytest.mark.skipif(native_blas.find() is None, reason=native_blas.reason() or '')
@pytest.mark.parametrize('sa,sb,ta,tb', MATMUL)
@pytest.mark.parametrize('dtype', [F32, F64])
def test_matmul_through_blas_equals_numpys(sa, sb, ta, tb, dtype):
    avals = [Aval(sa, dtype), Aval(sb, dtype)]
    attrs = dict(transa=ta, transb=tb)
    rng = numpy.random.default_rng(2)
    arrays = [_data(a, rng) for a in avals]
    plan, got, want = _run_both(_graph(linalg.matmul, avals, attrs), arrays)
    assert len(plan.segments) == 1
    _assert_bitwise(got, want)
    expected = linalg.matmul.impl(numpy, *arrays, **attrs).reshape(-1)
    _assert_bitwise(got, [expected])


@pytest.mark.skipif(native_blas.find() is None, reason=native_blas.reason() or '')
@pytest.mark.parametrize('ta,tb', [(True, False), (False, True)])
def test_matmul_of_an_array_with_its_transpose_is_numpys_syrk(ta, tb):
    # numpy computes x^T x (one array, both operands) with syrk and mirrors the triangle
    g = Graph('gram')
    x = g.add_input(Aval((50, 40), F32), 'data', 'x')
    n = 40 if ta else 50
    y = g.add_node(linalg.matmul, [x, x], dict(transa=ta, transb=tb),
                   [Aval((n, n), F32)]).outputs[0]
    z = g.add_node(A.reshape, [y], dict(shape=(n * n,)), [Aval((n * n,), F32)]).outputs[0]
    g.add_output(z, 'result', 'y')
    arr = numpy.random.default_rng(3).standard_normal((50, 40)).astype(F32)
    plan, got, want = _run_both(g, [arr])
    assert len(plan.segments) == 1
    _assert_bitwise(got, want)


def test_matmul_special_cases_stay_python_calls():
    # numpy's dot (m = n = 1), axpy (k = 1 and m or n of 1) and empty products
    for sa, sb in [((1, 5), (5, 1)), ((1, 1), (1, 7)), ((5, 1), (1, 1)), ((1, 1), (1, 1)),
                   ((0, 5), (5, 3)), ((4, 0), (0, 3)), ((1, 0), (0, 3))]:
        g = _graph(linalg.matmul, [Aval(sa, F32), Aval(sb, F32)],
                   dict(transa=False, transb=False))
        plan = Plan(g, backend='numba', segments=True)
        assert S.native_kind(plan, plan.steps[0]) is None


def test_without_numpys_blas_matmul_stays_a_python_call_and_explain_says_why(monkeypatch):
    monkeypatch.setattr(native_blas, '_found', (None, 'no scipy-openblas here'))
    g = _graph(linalg.matmul, [Aval((4, 5), F32), Aval((5, 6), F32)],
               dict(transa=False, transb=False))
    plan = Plan(g, backend='numba', segments=True).verify()
    assert not plan.segments and S.native_kind(plan, plan.steps[0]) is None
    assert 'matmul steps stay Python calls: no scipy-openblas here' in str(plan)
    a, b = numpy.ones((4, 5), F32), numpy.ones((5, 6), F32)
    _assert_bitwise(plan(a, b), [(a @ b).reshape(-1)])


def test_segments_are_opt_in_by_env_or_option(monkeypatch):
    g = _graph(E.add, [V8, ROW], {})
    monkeypatch.delenv('CHAINFUSE_NATIVE_SEGMENTS', raising=False)
    assert not Plan(g, backend='numba').segments      # off by default
    monkeypatch.setenv('CHAINFUSE_NATIVE_SEGMENTS', '0')
    assert not Plan(g, backend='numba').segments
    assert Plan(g, backend='numba', segments=True).segments
    monkeypatch.setenv('CHAINFUSE_NATIVE_SEGMENTS', '1')
    plan = Plan(g, backend='numba')
    assert len(plan.segments) == 1
    assert 'g0(' in plan.source and 'native segment steps 0-1' in plan.source
    assert '1 native segment(s) covering 2 of 2 steps' in str(plan)
    assert plan.n_calls == 1
    assert not Plan(g, backend='numpy', segments=True).segments


def test_a_segment_calls_kernels_by_address_not_by_linking_them():
    # the segment's source imports no kernel module: it calls each kernel's machine
    # code at an address passed in (p), so its own compile does not redo theirs
    g = _graph(E.add, [V8, ROW], {})
    plan = Plan(g, backend='numba', segments=True)
    seg, = plan.segments
    assert '_call(p[0], (' in seg.source and 'chainfuse_kernel_' not in seg.source
    assert 'g0(' in plan.source and 'd0, p0)' in plan.source
    assert len(seg.pointers) == len(seg.callees) == 1 and seg.pointers[0] != 0
    x, row = numpy.ones((8, 10), F32), numpy.arange(10, dtype=F32)
    numpy.testing.assert_array_equal(plan(x, row)[0], (x + row).reshape(-1))


_CALLER = '''
@numba.njit(cache=True, no_cfunc_wrapper=True)
def twice(x, out):
    if x.size != out.size:
        raise ValueError('twice: sizes differ')
    for i in range(x.size):
        out[i] = 2 * x[i]


@numba.njit(cache=True)
def caller(x, out, p):
    _call(p[0], (x, out))
    return out.sum()
'''


def test_a_call_by_address_runs_the_callee_and_passes_its_exception_on(tmp_path, monkeypatch):
    import numba
    from chainfuse.compiler.codegen import kernel_cache
    monkeypatch.setenv('CHAINFUSE_CACHE_DIR', str(tmp_path))
    array = numba.types.Array(numba.float32, 1, 'C')
    source = S._prelude([]) + _CALLER
    twice = kernel_cache.load_kernel('chainfuse_test_call', source, 'twice', (array, array))
    cres = twice.overloads[(array, array)]
    p = numpy.array([cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)],
                    numpy.int64)
    caller = kernel_cache.load_kernel('chainfuse_test_call', source, 'caller',
                                      (array, array, numba.types.Array(numba.int64, 1, 'C')))
    x, out = numpy.arange(4, dtype=F32), numpy.zeros(4, F32)
    assert caller(x, out, p) == 12.0
    numpy.testing.assert_array_equal(out, 2 * x)
    with pytest.raises(ValueError, match='twice: sizes differ'):
        caller(x, numpy.zeros(3, F32), p)


def test_only_backends_that_say_so_get_segments(monkeypatch):
    # a backend whose kernels are not Numba's (a registered one, tests/compiler/
    # test_backends.py) runs its plans as Python calls even with segments asked for
    from chainfuse.compiler.backends import get_backend
    numba_backend = get_backend('numba')
    g = _graph(E.add, [V8, ROW], {})
    assert Plan(g, backend='numba', segments=True).segments
    monkeypatch.setattr(type(numba_backend), 'native_segments', False)
    assert not Plan(g, backend='numba', segments=True).segments


def test_verify_checks_segments():
    g = _graph(E.add, [V8, ROW], {})
    plan = Plan(g, backend='numba', segments=True).verify()
    seg = plan.segments[0]
    seg.ins = seg.ins[:1]
    with pytest.raises(IRError, match='takes slots'):
        plan.verify()
    seg.ins, seg.outs = list(plan.input_slots), []
    with pytest.raises(IRError, match='returns slots'):
        plan.verify()
    seg.stop = len(plan.steps) + 1
    with pytest.raises(IRError, match='runs past the plan'):
        plan.verify()


# ---- whole training steps, segments on and off ----

def _train(make_model, x, t, opt_kind, segments, monkeypatch, steps=4):
    from chainfuse import optimizers
    from chainfuse.runtime.explain import latest_entry
    monkeypatch.setenv('CHAINFUSE_NATIVE_SEGMENTS', '1' if segments else '0')
    chainfuse.set_random_seed(0)
    model = make_model()
    opt = optimizers.Adam() if opt_kind == 'adam' else optimizers.MomentumSGD(lr=0.01)
    opt.setup(model)
    step = chainfuse.compile_step(opt, backend='numba')   # whatever CHAINFUSE_BACKEND says
    losses = [step(x, t) for _ in range(steps)]
    plans = latest_entry(step).plans
    for plan in plans:
        plan.verify()
    params = {n: p.array.copy() for n, p in model.namedparams()}
    return [float(loss.array) for loss in losses], params, plans, step


def _zoo_model(name):
    import chainfuse.links as L
    from tests.zoo.models import ZOO, inputs_for

    def make():
        model = L.Classifier(ZOO[name]())
        with chainfuse.no_backprop_mode():
            model(*inputs_for(name))      # the lazy parameters
        return model
    return make, inputs_for(name)


def _bench_model(name):
    from benchmarks import specs
    from benchmarks.adapters.chain_models import build
    spec = specs.MODELS[name]
    params = specs.init_params(spec)
    return (lambda: build(chainfuse, spec, params)), specs.make_batch(spec)


def _small_bench_model(kind):
    """The benchmark's LSTM and GELU nets, small, at sizes where tanh runs as numpy's
    loop and the LSTM's kernels read its gates from the GEMM's result (window inputs)."""
    from benchmarks import specs
    from benchmarks.adapters.chain_models import build
    if kind == 'lstm':
        spec = specs._model(specs.lstm(16, 32, steps=3), (3, 16), specs.ADAM, 2048)
    else:
        spec = specs._model({'kind': 'sequential', 'layers': [
            ('linear', 64, 128), ('gelu_tanh',), ('linear', 128, 10)]}, (64,), specs.ADAM, 512)
    params = specs.init_params(spec)
    return (lambda: build(chainfuse, spec, params)), specs.make_batch(spec)


STEPS = [('zoo', 'MLP', 'adam'), ('zoo', 'SeedCNN', 'sgd'), ('zoo', 'BNMLP', 'sgd'),
         ('zoo', 'LSTMCellLoop', 'adam'), ('bench', 'mlp100_sgd_b8', 'sgd'),
         ('bench', 'mlp100_sgd_b1', 'sgd'), ('small', 'lstm', 'adam'),
         ('small', 'gelu', 'adam')]


@pytest.mark.parametrize('where,name,opt', STEPS, ids=[n for _, n, _ in STEPS])
def test_training_step_with_segments_equals_the_python_executor(where, name, opt, monkeypatch):
    make, (x, t) = {'zoo': _zoo_model, 'bench': _bench_model,
                    'small': _small_bench_model}[where](name)
    loss_on, params_on, plans, step = _train(make, x, t, opt, True, monkeypatch)
    loss_off, params_off, plans_off, _ = _train(make, x, t, opt, False, monkeypatch)
    assert not any(p.segments for p in plans_off)
    assert sum(len(p.segments) for p in plans) >= 1
    assert sum(p.n_calls for p in plans) < sum(p.n_calls for p in plans_off)
    assert loss_on == loss_off
    for n in params_off:
        assert params_on[n].tobytes() == params_off[n].tobytes(), n
    text = str(chainfuse.explain(step))
    assert 'native segments: ' in text and '(native segment g0: steps' in text


# ---- take, take_grad and check_index ----

TAKE = [((80,), (8,), 0), ((6, 5), (4,), 0), ((6, 5), (3,), 1), ((2, 7, 3), (2, 2), 1)]


@pytest.mark.parametrize('xshape,ishape,axis', TAKE)
def test_take_and_take_grad_equal_their_numpy_impls(xshape, ishape, axis):
    rng = numpy.random.default_rng(4)
    n = xshape[axis]
    idx = rng.integers(-n, n, ishape).astype(numpy.int64)
    idx.reshape(-1)[:2] = idx.reshape(-1)[0]          # a repeated index accumulates
    x = _data(Aval(xshape, F32), rng)
    plan, got, want = _run_both(_graph(A.take, [Aval(xshape, F32), Aval(ishape, numpy.int64)],
                                       dict(axis=axis)), [x, idx])
    assert len(plan.segments) == 1
    _assert_bitwise(got, want)
    _assert_bitwise(got, [A.take.impl(numpy, x, idx, axis=axis).reshape(-1)])
    gshape = xshape[:axis] + ishape + xshape[axis + 1:]
    gy = _data(Aval(gshape, F32), rng)
    attrs = dict(axis=axis, shape=xshape)
    plan, got, want = _run_both(
        _graph(A.take_grad, [Aval(gshape, F32), Aval(ishape, numpy.int64)], attrs), [gy, idx])
    assert len(plan.segments) == 1
    _assert_bitwise(got, want)
    _assert_bitwise(got, [A.take_grad.impl(numpy, gy, idx, **attrs).reshape(-1)])


def test_take_out_of_bounds_in_a_segment_raises_index_error():
    g = _graph(A.take, [Aval((5,), F32), Aval((2,), numpy.int64)], dict(axis=0))
    plan = Plan(g, backend='numba', segments=True)
    with pytest.raises(IndexError, match='out of bounds'):
        plan(numpy.zeros(5, F32), numpy.array([1, 5]))


def _checked_graph(ignore):
    g = Graph('checked')
    t = g.add_input(Aval((6,), numpy.int32), 'data', 't')
    x = g.add_input(Aval((6,), F32), 'data', 'x')
    attrs = dict(size=10, ignore=ignore, fn='softmax_cross_entropy', what='label',
                 of='classes')
    c = g.add_node(A.check_index, [t], attrs, [Aval((6,), numpy.int32)]).outputs[0]
    y = g.add_node(A.take, [x, c], dict(axis=0), [Aval((6,), F32)]).outputs[0]
    g.add_output(y, 'result', 'y')
    return g


@pytest.mark.parametrize('ignore', [None, -1])
def test_check_index_in_a_segment_raises_the_ops_own_error(ignore):
    plan = Plan(_checked_graph(ignore), backend='numba', segments=True)
    assert len(plan.segments) == 1 and plan.segments[0].checks
    x = numpy.arange(6, dtype=F32)
    t = numpy.array([0, 3, 5, 1, 2, 4], numpy.int32)
    _assert_bitwise(plan(t, x), [x[t]])
    if ignore is not None:
        ok = t.copy()
        ok[2] = -1
        assert plan(ok, numpy.arange(6, dtype=F32).copy())[0][2] == 5.0   # take wraps -1
    for bad, pos in [(12, 2), (-3, 4)]:
        t_bad = t.copy()
        t_bad[pos] = bad
        with pytest.raises(ValueError) as native:
            plan(t_bad, x)
        with pytest.raises(ValueError) as reference:
            A.check_index.impl(numpy, t_bad, 10, ignore, 'softmax_cross_entropy', 'label',
                               'classes')
        assert str(native.value) == str(reference.value)
        assert f'label {bad} at position ({pos},)' in str(native.value)


def test_a_segment_serves_every_batch_size():
    # the sizes are an argument: another batch size is the same source and compiled code
    plans = []
    for batch in (8, 5):
        g = Graph('mlp_layer')
        x = g.add_input(Aval((batch, 6), F32), 'data', 'x')
        w = g.add_input(Aval((4, 6), F32), 'param', 'w')
        y = g.add_node(linalg.matmul, [x, w], dict(transa=False, transb=True),
                       [Aval((batch, 4), F32)]).outputs[0]
        s = g.add_node(R.sum, [y], dict(axis=(1,), keepdims=False),
                       [Aval((batch,), F32)]).outputs[0]
        g.add_output(s, 'result', 's')
        plans.append(Plan(g, backend='numba', segments=True).verify())
        rng = numpy.random.default_rng(batch)
        xa, wa = rng.standard_normal((batch, 6)).astype(F32), \
            rng.standard_normal((4, 6)).astype(F32)
        _assert_bitwise(plans[-1](xa, wa), [(xa @ wa.T).sum(axis=1)])
    a, b = (p.segments[0] for p in plans)
    assert a.source == b.source and a.fn is b.fn and list(a.dims) != list(b.dims)

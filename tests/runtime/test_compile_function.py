"""chainfuse.compile on plain functions: results and gradients equal eager, guards,
fallback, eager switch, explain."""
import warnings

import numpy
import pytest

import chainfuse as cf
from chainfuse import Parameter, Variable
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.tracer import GraphBreak
from chainfuse.tracer.errors import TraceError


def _setup():
    rng = numpy.random.default_rng(0)
    W = Parameter(rng.standard_normal((6, 4)).astype('float32'), name='W')
    b = Parameter(numpy.zeros(6, 'float32'), name='b')

    def f(x):
        h = linalg.matmul(x, W, transb=True) + b
        return R.sum(E.tanh(h) * h)
    return f, W, b, rng


def _grads(fn, x, params):
    for p in params:
        p.cleargrad()
    y = fn(x)
    y.backward()
    return y.array, [p.grad.copy() for p in params]


def test_compiled_equals_eager_over_steps():
    f, W, b, rng = _setup()
    cfn = cf.compile(f)
    for _ in range(3):
        x = Variable(rng.standard_normal((5, 4)).astype('float32'))
        yc, gc = _grads(cfn, x, [W, b])
        ye, ge = _grads(f, x, [W, b])
        numpy.testing.assert_allclose(yc, ye, rtol=1e-5, atol=1e-5)
        for a, e in zip(gc, ge):
            numpy.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5)
        W.array -= 0.1 * W.grad  # parameters change between calls: no retrace
    assert cfn.stats['compiled_calls'] == 3 and len(cfn.cache.misses) == 1


def test_input_gradients_when_required():
    f, W, b, rng = _setup()
    cfn = cf.compile(f)
    x = Variable(rng.standard_normal((5, 4)).astype('float32'))
    cfn(x).backward()
    gx = x.grad.copy()
    x.cleargrad()
    f(x).backward()
    numpy.testing.assert_allclose(gx, x.grad, rtol=1e-5, atol=1e-6)


def test_retrace_reason_and_eager_switch():
    f, W, b, rng = _setup()
    cfn = cf.compile(f, dynamic_batch=False)   # a new batch size is then a retrace
    cfn(rng.standard_normal((5, 4)).astype('float32'))
    cfn(rng.standard_normal((7, 4)).astype('float32'))
    assert cfn.cache.misses[1] == 'x shape (5, 4) -> (7, 4)' or \
        'shape (5, 4) -> (7, 4)' in cfn.cache.misses[1]
    with cf.eager():
        y = cfn(rng.standard_normal((7, 4)).astype('float32'))
    assert type(y.creator).__name__ == 'OpNode'
    text = str(cf.explain(cfn))
    assert 'fused' in text and 'retrace' in text


def _flag_or_scale(x, k):
    return R.sum(x) if k is True else x * k     # a call can tell 1 from True


def _over(x, k):
    return x / k                                # and 0.0 from -0.0 (inf vs -inf)


@pytest.mark.parametrize('fn,values', [(_flag_or_scale, [1, True, 1.0, 1]),
                                       (_over, [0.0, -0.0, 0.0, 2.0])])
def test_static_arguments_equal_in_python_are_different_keys(fn, values):
    x = numpy.array([1.0, -2.0, 0.0, 3.0], 'float32')
    compiled = cf.compile(fn, fallback='raise')
    with numpy.errstate(divide='ignore', invalid='ignore'):
        for k in values:
            want, got = fn(Variable(x), k).array, compiled(Variable(x), k).array
            assert got.shape == want.shape
            numpy.testing.assert_array_equal(got, want)
            assert numpy.array_equal(numpy.signbit(got), numpy.signbit(want))
    assert len(compiled.cache.misses) == len(set(map(repr, values)))


def test_graph_break_falls_back_with_one_warning_or_raises():
    def g(x):
        y = E.tanh(x)
        if R.sum(y).array > 0:
            return R.sum(y)
        return R.sum(-y)
    cg = cf.compile(g)
    x = numpy.ones((2, 2), 'float32')
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        r1 = cg(x)
        r2 = cg(x)
    msgs = [str(m.message) for m in w if 'running eagerly' in str(m.message)]
    assert len(msgs) == 1 and 'test_compile_function.py' in msgs[0]
    assert r1.array == r2.array == g(x).array
    with pytest.raises(GraphBreak):
        cf.compile(g, fallback='raise')(x)


def test_no_backprop_calls_use_an_inference_plan():
    f, W, b, rng = _setup()
    cfn = cf.compile(f)
    x = rng.standard_normal((5, 4)).astype('float32')
    with cf.no_backprop_mode():
        y = cfn(x)
    assert y.creator is None
    numpy.testing.assert_allclose(y.array, f(x).array, rtol=1e-5)
    assert not cfn.entries[0].training


def test_static_graph_decorator_compiles_a_chain():
    import chainfuse.functions as F
    import chainfuse.links as L

    class Net(cf.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)

        @cf.static_graph
        def forward(self, x):
            return F.sum(F.tanh(self.l1(x)))

    net = Net()
    x = numpy.ones((2, 4), 'float32')
    y = net(x)
    y.backward()
    g = net.l1.W.grad.copy()
    assert type(y.creator).__name__ == 'CompiledFunction'
    net.cleargrads()
    with cf.eager():
        ye = net(x)
    ye.backward()
    numpy.testing.assert_allclose(y.array, ye.array, rtol=1e-6)
    numpy.testing.assert_allclose(g, net.l1.W.grad, rtol=1e-5, atol=1e-6)


def test_verify_passes_for_a_faithful_model_and_catches_an_unfaithful_trace():
    import chainfuse.functions as F
    import chainfuse.links as L
    from tests.zoo.models import ZOO, inputs_for
    model = L.Classifier(ZOO['BNMLP']())
    x, t = inputs_for('BNMLP')
    compiled = cf.compile(model, verify=2)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for _ in range(3):
            loss = compiled(x, t)
            loss.backward()
    assert compiled._chainfuse_compiled.stats['fallbacks'] == 0

    scale = [1.0]

    def g(x):
        return F.sum(x * scale[0])   # a Python value read through a closure: guarded
    cg = cf.compile(g, verify=3)
    x = Variable(numpy.ones((2, 2), 'float32'))
    cg(x)
    scale[0] = 2.0
    assert float(cg(x).array) == 8.0
    assert 'closure variable scale changed' in cg.cache.misses[-1]

    def h(x):
        # library state read through a library call: no guard sees it
        return F.sum(x * float(numpy.get_printoptions()['edgeitems']))
    ch = cf.compile(h, verify=3)
    saved = numpy.get_printoptions()
    numpy.set_printoptions(edgeitems=1)
    try:
        ch(x)
        numpy.set_printoptions(edgeitems=2)
        with pytest.warns(RuntimeWarning, match='verify: .*result 0.*traced graph itself'):
            y = ch(x)
    finally:
        numpy.set_printoptions(**saved)
    assert float(y.array) == 8.0      # the eager result


def test_verify_names_the_first_diverging_node_and_the_constant_it_read():
    import chainfuse.functions as F

    def h(x):
        y = F.tanh(x)
        return F.sum(y * float(numpy.get_printoptions()['edgeitems']))   # MUL_LINE
    ch = cf.compile(h, verify=3)
    x = Variable(numpy.ones((2, 2), 'float32'))
    saved = numpy.get_printoptions()
    numpy.set_printoptions(edgeitems=1)
    try:
        ch(x)
        numpy.set_printoptions(edgeitems=2)
        with pytest.warns(RuntimeWarning) as record:
            ch(x)
    finally:
        numpy.set_printoptions(**saved)
    message = str(record[0].message)
    line = next(i + 1 for i, t in enumerate(open(__file__).read().splitlines())
                if 'MUL_LINE' in t and 'F.sum' in t)
    assert 'first diverging node: #1' in message and '= mul(' in message
    assert f'test_compile_function.py:{line}' in message and 'constant' in message


def test_verify_catches_wrong_state_handling():
    import chainfuse.links as L
    model = cf.compile(L.LSTM(3, 4), verify=3)
    x = numpy.ones((2, 3), 'float32')
    model(x)
    model(x)          # traces the call with state
    entry = model._chainfuse_compiled.entries[-1]
    entry.calls = 0   # verify it again, with its state outputs swapped
    (h, c) = sorted(entry.trace.effects, key=lambda e: e[1], reverse=True)[:2]
    entry.trace.effects = [h[:3] + (c[3],), c[:3] + (h[3],)]
    with pytest.warns(RuntimeWarning, match=r'verify: .*attribute /(h|c)'):
        model(x)


def test_verify_blames_the_plan_for_a_compiler_bug():
    import chainfuse.functions as F
    cg = cf.compile(lambda x: F.tanh(x) * 2, verify=3)
    x = numpy.ones((2, 2), 'float32')
    with cf.no_backprop_mode():
        cg(x)
        plan = cg.entries[0].compiled.plan
        plan._build()
        good = plan._run
        plan._run = lambda *a: [o + 1 for o in good(*a)]     # a wrong kernel
        with pytest.warns(RuntimeWarning, match='compiler bug.*first diverging plan output'):
            y = cg(x)
    assert numpy.allclose(y.array, numpy.tanh(x) * 2)


def test_a_call_returning_an_array_beside_its_variables_runs_eagerly_and_says_why():
    import chainfuse.functions as F
    import chainfuse.links as L

    class Pool(cf.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.c = L.Convolution2D(1, 2, 3)

        def forward(self, x):
            return F.max_pooling_2d(self.c(x), 2, return_indices=True)

    m = Pool()
    x = numpy.random.RandomState(0).rand(2, 1, 6, 6).astype('float32')
    y, idx = m(x)
    cf.compile(m)
    with pytest.warns(RuntimeWarning, match='returned an ndarray at \\(1,\\)'):
        y2, idx2 = m(x)
    numpy.testing.assert_array_equal(y2.array, y.array)
    numpy.testing.assert_array_equal(idx2, idx)
    with pytest.raises(TraceError, match='returned an ndarray'):
        cf.compile(Pool(), fallback='raise')(x)


class _ReportsPerplexity(cf.Chain):
    """Chainer's seq2seq idiom: report a numpy value computed from the traced loss."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l = cf.links.Linear(3, 2)

    def forward(self, x):
        loss = cf.functions.sum(self.l(x) ** 2)
        perp = numpy.exp(loss.array * 4 / 10)
        cf.report({'loss': loss, 'perp': perp}, self)
        return loss


def test_a_reported_array_computed_from_a_traced_loss_is_reported_every_call():
    eager, compiled = _ReportsPerplexity(), _ReportsPerplexity()
    compiled.copyparams(eager)
    cf.compile(compiled, fallback='raise')
    rng = numpy.random.RandomState(0)
    for _ in range(3):
        x = rng.rand(5, 3).astype('float32')
        seen = []
        for model in (eager, compiled):
            reporter, obs = cf.Reporter(), {}
            reporter.add_observer('m', model)
            with reporter.scope(obs):
                model(x)
            seen.append(obs)
        want, got = seen
        assert type(got['m/perp']) is type(want['m/perp'])        # a numpy scalar, as eager
        numpy.testing.assert_allclose(got['m/perp'], want['m/perp'], rtol=1e-6)
        numpy.testing.assert_allclose(got['m/loss'].array, want['m/loss'].array, rtol=1e-6)

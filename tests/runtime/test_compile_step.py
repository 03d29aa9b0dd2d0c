"""compile_step: forward + backward + hooks + update as one plan, equal to eager steps."""
import gc
import warnings
import weakref

import numpy
import pytest

import chainfuse as cf
import chainfuse.links as L
from chainfuse import Parameter, optimizers
from chainfuse import optimizer_hooks as hooks
from chainfuse.links.link import Chain
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.serializers import load_npz, save_npz
from chainfuse.tracer.recorder import Recorder


class Dense(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            rng = numpy.random.default_rng(0)
            self.W = Parameter(rng.standard_normal((5, 4)).astype('float32'))
            self.b = Parameter(numpy.zeros(5, 'float32'))

    def forward(self, x, t):
        y = E.tanh(linalg.matmul(x, self.W, transb=True) + self.b)
        return R.sum((y - t) * (y - t))


def _data(n=6, seed=1):
    rng = numpy.random.default_rng(seed)
    return [(rng.standard_normal((3, 4)).astype('float32'),
             rng.standard_normal((3, 5)).astype('float32')) for _ in range(n)]


def _pair(make_opt, with_hooks):
    models, opts = [], []
    for _ in range(2):
        m = Dense()
        o = make_opt()
        o.setup(m)
        if with_hooks:
            o.add_hook(hooks.WeightDecay(1e-3))
            o.add_hook(hooks.GradientClipping(1.0))
        models.append(m)
        opts.append(o)
    return models, opts


@pytest.mark.parametrize('make_opt', [optimizers.SGD, optimizers.MomentumSGD,
                                      optimizers.Adam, optimizers.AdaGrad,
                                      optimizers.RMSprop])
@pytest.mark.parametrize('with_hooks', [False, True])
def test_compiled_step_matches_eager(make_opt, with_hooks):
    (m1, m2), (o1, o2) = _pair(make_opt, with_hooks)
    step = cf.compile_step(o2)
    for x, t in _data():
        expected_loss = m1(x, t).array
        o1.update(m1, x, t)
        loss = step(x, t)
        numpy.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
        for (n, p1), (_, p2) in zip(sorted(m1.namedparams()), sorted(m2.namedparams())):
            numpy.testing.assert_allclose(p2.array, p1.array, rtol=1e-5, atol=1e-6,
                                          err_msg=n)
            numpy.testing.assert_allclose(p2.grad, p1.grad, rtol=1e-5, atol=1e-6)
    assert step.stats['compiled_calls'] == 5 and len(step.cache.misses) == 1
    assert o1.t == o2.t and m1.W.update_rule.t == m2.W.update_rule.t
    for k in m1.W.update_rule.state:
        numpy.testing.assert_allclose(m2.W.update_rule.state[k], m1.W.update_rule.state[k],
                                      rtol=1e-5, atol=1e-7)


def test_learning_rate_change_needs_no_retrace():
    (m1, m2), (o1, o2) = _pair(optimizers.MomentumSGD, False)
    step = cf.compile_step(o2)
    for i, (x, t) in enumerate(_data()):
        if i == 3:
            o1.lr = o2.lr = 0.001
        o1.update(m1, x, t)
        step(x, t)
    numpy.testing.assert_allclose(m2.W.array, m1.W.array, rtol=1e-5, atol=1e-6)
    assert len(step.cache.misses) == 1


def test_switching_compiled_and_eager_and_resuming(tmp_path):
    (m1, m2), (o1, o2) = _pair(optimizers.Adam, False)
    step = cf.compile_step(o2)
    data = _data(8)
    for i, (x, t) in enumerate(data[:4]):
        o1.update(m1, x, t)
        if i % 2:
            o2.update(m2, x, t)
        else:
            step(x, t)
    save_npz(str(tmp_path / 'm.npz'), m2)
    save_npz(str(tmp_path / 'o.npz'), o2)
    m3 = Dense()
    o3 = optimizers.Adam()
    o3.setup(m3)
    load_npz(str(tmp_path / 'm.npz'), m3)
    load_npz(str(tmp_path / 'o.npz'), o3)
    step3 = cf.compile_step(o3)
    for x, t in data[4:]:
        o1.update(m1, x, t)
        step3(x, t)
    numpy.testing.assert_allclose(m3.W.array, m1.W.array, rtol=1e-5, atol=1e-6)


def test_eager_switch_runs_the_eager_step():
    (_, m2), (_, o2) = _pair(optimizers.SGD, False)
    step = cf.compile_step(o2)
    x, t = _data(1)[0]
    with cf.eager():
        step(x, t)
        step(x, t)
    assert step.stats['eager_calls'] == 2 and not step.entries


def test_explain_and_dump_a_compiled_step(tmp_path):
    (_, m2), (_, o2) = _pair(optimizers.Adam, True)
    step = cf.compile_step(o2)
    for x, t in _data(3):
        step(x, t)
    text = str(cf.explain(step))
    assert 'whole training step' in text and 'fused_' in text
    assert 'ElementwiseKernel' not in text and 'source=True' in text   # source on request
    assert 'ElementwiseKernel' in str(cf.explain(step, source=True))
    written = cf.dump(step, str(tmp_path))
    assert any(p.endswith('-plan-plan.dot') or p.endswith('plan.dot') for p in written)
    passes = sorted(p.name for p in (tmp_path / 'trace0-passes').iterdir())
    assert any('fuse' in p for p in passes) and (tmp_path / 'explain.txt').exists()


@pytest.mark.parametrize('make_opt', [optimizers.SGD, optimizers.Adam])
def test_compiled_step_updates_parameters_and_state_in_place(make_opt):
    (_, m2), (_, o2) = _pair(make_opt, False)
    step = cf.compile_step(o2, backend='numba')   # kernels write state in place
    data = _data(4)
    o2.update(m2, *data[0])                     # creates the optimizer state
    arrays = {n: p.array for n, p in m2.namedparams()}
    states = {n: dict(p.update_rule.state) for n, p in m2.namedparams()}
    before = {n: a.copy() for n, a in arrays.items()}
    for x, t in data[1:]:
        step(x, t)
    assert step.stats['compiled_calls'] == 3
    for n, p in m2.namedparams():
        assert p.array is arrays[n], f'{n}: the update made a new array'
        assert not numpy.array_equal(p.array, before[n]), f'{n} was not updated'
        for k, a in p.update_rule.state.items():
            assert a is states[n][k]
    plan = step.entries[0].plan
    assert len(plan.donated) == len(list(m2.params())) * (1 + len(states['/W']))
    assert 'in place into' in str(plan)
    # the update kernels write over their own inputs (no separate output arguments)
    assert any(k.inplace for k in plan.kernels)


def test_resizing_the_model_after_compiling_retraces():
    (_, m2), (_, o2) = _pair(optimizers.SGD, False)
    step = cf.compile_step(o2)
    x, t = _data(1)[0]
    for _ in range(3):
        step(x, t)
    with m2.init_scope():
        m2.b = Parameter(numpy.ones(5, 'float32'))   # a new parameter object
    o2.setup(m2)
    step(x, t)
    step(x, t)
    assert len(step.cache.misses) == 2 and 'changed' in step.cache.misses[1]
    assert not numpy.array_equal(m2.b.array, numpy.ones(5, 'float32'))


def test_verify_passes_for_a_faithful_step_and_catches_a_wrong_plan():
    (m1, m2), (o1, o2) = _pair(optimizers.Adam, True)
    step = cf.compile_step(o2, verify=3)
    data = _data(5)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for x, t in data[:3]:
            o1.update(m1, x, t)
            step(x, t)
    assert step.stats['fallbacks'] == 0 and step.stats['compiled_calls'] == 2

    entry = step.entries[0]
    entry.calls = 0                                  # verify again, with a wrong plan
    good = entry.plan._run
    entry.plan._run = lambda *a: [numpy.array(o * 1.01, o.dtype) for o in good(*a)]
    with pytest.warns(RuntimeWarning, match='verify: compiled and eager steps differ'):
        loss = step(*data[3])
    expected = m1(*data[3]).array
    o1.update(m1, *data[3])
    assert step.stats['fallbacks'] == 1
    numpy.testing.assert_allclose(loss.array, expected, rtol=1e-5)
    # the step was undone and run eagerly: the model equals the eager twin's
    for (n, p1), (_, p2) in zip(sorted(m1.namedparams()), sorted(m2.namedparams())):
        numpy.testing.assert_allclose(p2.array, p1.array, rtol=1e-5, err_msg=n)


def test_verify_needs_a_rebindable_lossfun():
    (_, m2), (_, o2) = _pair(optimizers.SGD, True)
    with pytest.raises(ValueError, match='lossfun'):
        cf.compile_step(o2, lambda x, t: m2(x, t), verify=1)


def test_first_step_runs_a_compiled_model_eagerly():
    # its training plan would run only that once: every later step is the step's plan
    model = cf.compile(cf.links.Classifier(cf.links.Linear(3, 2)))
    opt = optimizers.SGD()
    opt.setup(model)
    step = cf.compile_step(opt)
    x = numpy.ones((4, 3), numpy.float32)
    t = numpy.zeros(4, numpy.int32)
    step(x, t)
    assert model._chainfuse_compiled.entries == []
    step(x, t)
    assert step.stats['compiled_calls'] == 1 and model._chainfuse_compiled.entries == []


def test_a_compiled_step_keeps_nothing_its_trace_computed(monkeypatch):
    # The Recorder holds every array the traced step computed.  The compiled step must
    # let it go: it kept it through the F calls (with their Variable arguments) that a
    # function-level graph dump labels the traced nodes with, ten times the model's
    # size for a ResNet50 step.
    recorders = []
    init = Recorder.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        recorders.append(weakref.ref(self))
    monkeypatch.setattr(Recorder, '__init__', recording)
    model = L.Classifier(L.Linear(4, 3))
    opt = optimizers.SGD()
    opt.setup(model)
    step = cf.compile_step(opt)
    x, t = numpy.ones((2, 4), 'float32'), numpy.array([0, 2], 'int32')
    for _ in range(3):
        step(x, t)
    assert step.stats['compiled_calls'] == 2 and len(recorders) == 1
    calls = step.entries[0].trace.node_calls
    assert {c[0] for c in calls.values()} == {'LinearFunction', 'SoftmaxCrossEntropy',
                                              'Accuracy'}
    gc.collect()
    assert recorders[0]() is None


# ---- the benchmark's LSTM and GELU models, small: compiled equals eager ----

def _bench_spec(kind):
    from benchmarks import specs
    # gates of 2048 x 32, activations of 512 x 128: tanh runs as numpy's loop
    if kind == 'lstm':
        return specs._model(specs.lstm(16, 32, steps=3), (3, 16), specs.ADAM, 2048)
    gelu = [('linear', 64, 128), ('gelu_tanh',), ('linear', 128, 128), ('gelu_tanh',),
            ('linear', 128, 10)]
    return specs._model({'kind': 'sequential', 'layers': gelu}, (64,), specs.ADAM, 512)


@pytest.mark.parametrize('kind', ['lstm', 'gelu'])
def test_benchmark_lstm_and_gelu_steps_match_eager(kind):
    from benchmarks import specs
    from benchmarks.adapters.chain_models import build
    from chainfuse.runtime.explain import latest_entry
    spec = _bench_spec(kind)
    params = specs.init_params(spec)
    x, t = specs.make_batch(spec)
    models = [build(cf, spec, params) for _ in range(2)]
    opts = [optimizers.Adam() for _ in models]
    for m, o in zip(models, opts):
        o.setup(m)
    step = cf.compile_step(opts[1], backend='numba')
    for _ in range(4):
        expected = float(models[0](x, t).array)
        opts[0].update(models[0], x, t)
        numpy.testing.assert_allclose(float(step(x, t).array), expected, rtol=1e-5)
    for (n, p0), (_, p1) in zip(sorted(models[0].namedparams()),
                                sorted(models[1].namedparams())):
        numpy.testing.assert_allclose(p1.array, p0.array, rtol=1e-5, atol=1e-6, err_msg=n)
    plan, = latest_entry(step).plans
    tanh_steps = [s for s in plan.steps if s.op.name == 'tanh']
    assert tanh_steps and all(s.mode == 'out' for s in tanh_steps)   # numpy's loop
    if kind == 'lstm':
        assert any(s.windows for s in plan.steps)       # gates read from the GEMM result

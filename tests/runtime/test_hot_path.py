"""Repeat calls: the front end's hot path (`Frontend._hot_entry`) and the generated
input gatherer (`chainfuse.tracer.gather`) give what the full lookup and eager give."""
import math
import warnings

import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import optimizers
from chainfuse.runtime import frontend
from chainfuse.tracer.gather import _HyperCache

SCALE = 2.0


def _mlp():
    model = cf.Sequential(L.Linear(4, 6), F.relu, L.Linear(6, 3))
    model(numpy.zeros((1, 4), 'float32'))       # lazy parameters, same draws for both
    return model


def _pair(make_opt):
    numpy.random.seed(0)
    m1 = _mlp()
    numpy.random.seed(0)
    m2 = _mlp()
    o1, o2 = make_opt(), make_opt()
    o1.setup(L.Classifier(m1))
    o2.setup(L.Classifier(m2))
    return o1, o2


def _batches(n, batch=5, seed=0):
    rng = numpy.random.default_rng(seed)
    return [(rng.standard_normal((batch, 4)).astype('float32'),
             rng.integers(0, 3, batch).astype('int32')) for _ in range(n)]


def _assert_same(o1, o2):
    for (n, p1), (_, p2) in zip(sorted(o1.target.namedparams()),
                                sorted(o2.target.namedparams())):
        numpy.testing.assert_allclose(p2.array, p1.array, rtol=1e-5, atol=1e-6, err_msg=n)


def test_repeat_steps_skip_the_signature_and_match_eager(monkeypatch):
    built = []
    real = frontend.signature
    monkeypatch.setattr(frontend, 'signature', lambda a, k: built.append(1) or real(a, k))
    o1, o2 = _pair(lambda: optimizers.Adam(alpha=0.01))
    step = cf.compile_step(o2)
    for x, t in _batches(8):
        o1.update(o1.target, x, t)
        loss = step(x, t)
        numpy.testing.assert_allclose(loss.array, o1.target.loss.array, rtol=1e-5)
    _assert_same(o1, o2)
    # the first step runs eagerly (state creation), the second traces, the third looks
    # up and makes the entry hot; every later one takes the hot path
    assert len(built) == 2 and step.stats['compiled_calls'] == 7


def test_hyperparameter_changes_reach_the_hot_path():
    o1, o2 = _pair(lambda: optimizers.MomentumSGD(lr=0.1))
    step = cf.compile_step(o2)
    for i, (x, t) in enumerate(_batches(9)):
        lr = {3: 0.05, 5: 0.0, 6: -0.0, 7: 0.02}.get(i)
        if lr is not None:
            o1.lr = o2.lr = lr
        o1.update(o1.target, x, t)
        step(x, t)
        _assert_same(o1, o2)
    assert len(step.cache.misses) == 1


def _act(x):
    return F.tanh(x) * 2 + F.dropout(x, 0.5)


@pytest.mark.parametrize('change', ['dtype', 'shape', 'train', 'variable'])
def test_a_different_call_leaves_the_hot_path(change):
    fn = cf.compile(_act)
    x = numpy.random.default_rng(1).standard_normal((5, 4)).astype('float32')
    for _ in range(3):
        fn(x)
    assert fn._hot is not None
    ctx = cf.using_config('train', False) if change == 'train' else \
        warnings.catch_warnings()
    arg = {'dtype': x.astype('float64'), 'shape': x[:3],
           'variable': cf.Variable(x), 'train': x}[change]
    with ctx:
        state = numpy.random.get_state()
        got = fn(arg)
        numpy.random.set_state(state)
        with cf.eager():
            want = _act(arg)
    assert got.array.dtype == want.array.dtype
    numpy.testing.assert_allclose(got.array, want.array, rtol=1e-5, atol=1e-6)


def _scaled(x):
    return F.sum(x * SCALE)


def test_a_guard_change_leaves_the_hot_path():
    global SCALE
    fn = cf.compile(_scaled)
    x = numpy.ones(3, 'float32')
    for _ in range(3):
        assert float(fn(x).array) == 6.0
    try:
        SCALE = 5.0
        assert float(fn(x).array) == 15.0
        assert float(fn(x).array) == 15.0
    finally:
        SCALE = 2.0
    assert float(fn(x).array) == 6.0


def test_entries_the_cache_drops_are_not_run_again():
    numpy.random.seed(0)
    model = _mlp()
    fn = cf.compile(model)
    x = numpy.ones((2, 4), 'float32')
    for _ in range(3):
        fn(x)
    compiled = fn._chainfuse_compiled
    compiled.cache.remove_if(lambda e: True)
    fn(x)
    assert len(compiled.cache.misses) == 2      # traced again, not the dropped entry


# ---- the hyperparameter arrays the gatherer hands out ----

def test_hyper_cache_reuses_an_array_only_for_the_same_scalar():
    cache = _HyperCache({0: numpy.dtype('float32')})
    a = cache(0, 0.1)
    assert cache(0, 0.1) is a and a.dtype == numpy.float32 and a.shape == ()
    b = cache(0, 0.2)
    assert b is not a and float(b) == numpy.float32(0.2)
    zero = cache(0, 0.0)
    neg = cache(0, -0.0)
    assert neg is not zero and math.copysign(1, float(neg)) == -1
    assert cache(0, 1) is not cache(0, 1.0)         # int and float are told apart
    nan = cache(0, float('nan'))
    assert cache(0, float('nan')) is not nan
    s = numpy.float32(3)
    assert cache(0, s) is not cache(0, s)           # numpy scalars: not cached


def test_optimizer_changes_between_steps_leave_the_hot_path():
    # the strategy key (each rule's enabled flag, state keys and static arguments) is
    # compared at every call, hot or not: freezing a layer retraces; a per-parameter
    # hyperparameter is an input of the plan, read at every call
    o1, o2 = _pair(lambda: optimizers.Adam(alpha=0.05))
    step = cf.compile_step(o2)
    for i, (x, t) in enumerate(_batches(10)):
        if i == 4:
            for o in (o1, o2):
                o.target.predictor[0].W.update_rule.enabled = False
        if i == 7:
            for o in (o1, o2):
                o.target.predictor[0].W.update_rule.enabled = True
                o.target.predictor[2].b.update_rule.hyperparam.weight_decay_rate = 0.1
        o1.update(o1.target, x, t)
        step(x, t)
        _assert_same(o1, o2)
    assert len(step.cache.misses) >= 2

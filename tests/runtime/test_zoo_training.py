"""Training the zoo eagerly and compiled from the same parameters and seed: the
parameters, reported values, BatchNorm statistics and dropout masks agree after every
step; the data-dependent model falls back with a warning and still trains."""
import copy
import warnings

import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse import optimizer_hooks, optimizers
from chainfuse.serializers import load_npz, save_npz
from tests.zoo.models import ZOO, inputs_for

STEPS = 50


def _make_opt(kind):
    if kind == 'adam':
        return optimizers.Adam(), []
    return optimizers.MomentumSGD(lr=0.01), [optimizer_hooks.WeightDecay(1e-4)]


def _setup(name, kind, mode):
    chainer.set_random_seed(0)
    model = L.Classifier(ZOO[name]())
    x, t = inputs_for(name)
    with chainer.no_backprop_mode():
        model(x, t)                      # create the lazy parameters
    eager = copy.deepcopy(model)
    models, steps = [], []
    for m, compiled in ((eager, False), (model, True)):
        opt, hooks = _make_opt(kind)
        opt.setup(m)
        for h in hooks:
            opt.add_hook(h)
        if compiled and mode == 'module':
            chainer.compile(m)
            steps.append(lambda x, t, opt=opt, m=m: opt.update(m, x, t))
        elif compiled:
            step = chainer.compile_step(opt)
            steps.append(step)
        else:
            steps.append(lambda x, t, opt=opt, m=m: opt.update(m, x, t))
        models.append(m)
    return models, steps


def _observe(model, fn):
    rep = chainer.Reporter()
    rep.add_observer('main', model)
    obs = {}
    with rep.scope(obs):
        fn()
    return {k: float(chainer.as_array(v)) for k, v in obs.items()}


def _assert_same(m_eager, m_comp, step):
    pe, pc = dict(m_eager.namedparams()), dict(m_comp.namedparams())
    assert pe.keys() == pc.keys()
    for k in pe:
        numpy.testing.assert_allclose(pc[k].array, pe[k].array, rtol=1e-4, atol=1e-5,
                                      err_msg=f'{k} after step {step}')
    for (path, le), (_, lc) in zip(m_eager.namedlinks(), m_comp.namedlinks()):
        for name in sorted(getattr(le, '_persistent', ())):
            a, b = getattr(le, name), getattr(lc, name)
            if isinstance(a, numpy.ndarray):
                numpy.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-6,
                                              err_msg=f'{path}/{name} after step {step}')


@pytest.mark.parametrize('mode', ['module', 'step'])
@pytest.mark.parametrize('kind', ['adam', 'momentum'])
@pytest.mark.parametrize('name', [n for n in ZOO if n != 'DataDependentIf'])
def test_compiled_training_matches_eager(name, kind, mode):
    (m_e, m_c), (step_e, step_c) = _setup(name, kind, mode)
    for i in range(STEPS):
        x, t = inputs_for(name, seed=1000 + i)
        chainer.set_random_seed(i)
        rep_e = _observe(m_e, lambda: step_e(x, t))
        chainer.set_random_seed(i)
        rep_c = _observe(m_c, lambda: step_c(x, t))
        stats = {k for k in rep_c if k.startswith('compile/')}
        assert stats == {'compile/time', 'compile/retraces', 'compile/kernels',
                         'compile/fallbacks'}
        assert rep_e.keys() == rep_c.keys() - stats
        for k in rep_e:
            assert rep_c[k] == pytest.approx(rep_e[k], rel=1e-4, abs=1e-5), (k, i)
        _assert_same(m_e, m_c, i)


def test_data_dependent_model_falls_back_and_trains():
    (m_e, m_c), (step_e, step_c) = _setup('DataDependentIf', 'adam', 'module')
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        for i in range(5):
            x, t = inputs_for('DataDependentIf', seed=i)
            step_e(x, t)
            step_c(x, t)
    msgs = [str(m.message) for m in w if 'running eagerly' in str(m.message)]
    assert len(msgs) == 1 and 'models.py' in msgs[0]
    _assert_same(m_e, m_c, 5)


def test_train_and_test_calls_get_their_own_plans():
    (m_e, m_c), (step_e, step_c) = _setup('BNMLP', 'adam', 'module')
    for i in range(4):
        x, t = inputs_for('BNMLP', seed=i)
        step_e(x, t)
        step_c(x, t)
        with chainer.using_config('train', False), chainer.no_backprop_mode():
            ye, yc = m_e(x, t), m_c(x, t)
        numpy.testing.assert_allclose(yc.array, ye.array, rtol=1e-5, atol=1e-6)
    state = m_c._chainfuse_compiled
    assert len(state.entries) == 2 and state.cache.retraces == 1


def test_save_compiled_load_eager_and_back(tmp_path):
    (m_e, m_c), (step_e, step_c) = _setup('MLP', 'adam', 'module')
    x, t = inputs_for('MLP')
    step_c(x, t)
    save_npz(str(tmp_path / 'c.npz'), m_c)
    fresh = copy.deepcopy(m_e)
    load_npz(str(tmp_path / 'c.npz'), fresh)
    for (k, a), (_, b) in zip(sorted(fresh.namedparams()), sorted(m_c.namedparams())):
        numpy.testing.assert_array_equal(a.array, b.array, err_msg=k)
    keys = set(numpy.load(str(tmp_path / 'c.npz')).keys())
    save_npz(str(tmp_path / 'e.npz'), m_e)
    assert keys == set(numpy.load(str(tmp_path / 'e.npz')).keys())
    load_npz(str(tmp_path / 'e.npz'), m_c)
    for (k, a), (_, b) in zip(sorted(m_e.namedparams()), sorted(m_c.namedparams())):
        numpy.testing.assert_array_equal(a.array, b.array, err_msg=k)


def test_dropout_masks_differ_between_steps_and_match_eager():
    chainer.set_random_seed(0)
    m_e = ZOO['DropoutMLP']()
    x, _ = inputs_for('DropoutMLP')
    m_e(x)
    m_c = chainer.compile(copy.deepcopy(m_e))
    outs = []
    for i in range(3):
        chainer.set_random_seed(7 + i)
        yc = m_c(x).array
        chainer.set_random_seed(7 + i)
        ye = m_e(x).array
        numpy.testing.assert_allclose(yc, ye, rtol=1e-5, atol=1e-6)
        outs.append(yc)
    assert not numpy.array_equal(outs[0], outs[1])
    assert m_c._chainfuse_compiled.stats['compiled_calls'] == 3

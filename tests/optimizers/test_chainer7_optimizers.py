"""CorrectedMomentumSGD, MSVAG, RMSpropGraves, SMORMS3 and the GradientLARS hook: the
parameters after each step equal Chainer 7.8.1's (tests/data/chainer7/optimizers.npz,
written by make_api_fixtures.py from the cases stored in the file), and a compiled
training step (forward, backward, hooks and update as one plan) equals the eager one."""
import json
import os

import numpy
import pytest

import chainfuse as cf
from chainfuse import optimizer_hooks, optimizers

from tests.runtime.test_compile_step import Dense, _data

DATA = numpy.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7',
                               'optimizers.npz'))
CASES = json.loads(str(DATA['cases']))


def make(cls, kwargs, hooks):
    opt = getattr(optimizers, cls)(**kwargs)

    def setup(link):
        opt.setup(link)
        for hook, hook_kwargs in hooks:
            opt.add_hook(getattr(optimizer_hooks, hook)(**hook_kwargs))
        return opt
    return setup


@pytest.mark.parametrize('name, cls, kwargs, hooks', CASES, ids=[c[0] for c in CASES])
def test_steps_match_chainer(name, cls, kwargs, hooks):
    link = cf.Link()
    with link.init_scope():
        link.w = cf.Parameter(DATA['w0'].copy())
        link.b = cf.Parameter(DATA['b0'].copy())
    opt = make(cls, kwargs, hooks)(link)
    for i in range(len(DATA['gw'])):
        link.w.grad = DATA['gw'][i].copy()
        link.b.grad = DATA['gb'][i].copy()
        opt.update()
        numpy.testing.assert_allclose(link.w.array, DATA[name + '/w'][i], rtol=1e-5,
                                      atol=1e-6, err_msg=f'{name} step {i + 1}: w')
        numpy.testing.assert_allclose(link.b.array, DATA[name + '/b'][i], rtol=1e-5,
                                      atol=1e-6, err_msg=f'{name} step {i + 1}: b')
    stored = sorted(k.split('/')[-1] for k in DATA.files if k.startswith(name + '/state/'))
    assert sorted(link.w.update_rule.state) == stored
    for key in stored:
        numpy.testing.assert_allclose(link.w.update_rule.state[key],
                                      DATA[f'{name}/state/{key}'], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name, cls, kwargs, hooks', CASES, ids=[c[0] for c in CASES])
def test_compiled_step_matches_eager(name, cls, kwargs, hooks):
    eager_model, compiled_model = Dense(), Dense()
    eager_opt = make(cls, kwargs, hooks)(eager_model)
    compiled_opt = make(cls, kwargs, hooks)(compiled_model)
    step = cf.compile_step(compiled_opt)
    for x, t in _data(5):
        x[:, 0] = 0         # W[:, 0] gets no gradient: M-SVAG's 0/0 case, compiled too
        expected = eager_model(x, t).array
        eager_opt.update(eager_model, x, t)
        loss = step(x, t)
        numpy.testing.assert_allclose(loss.array, expected, rtol=1e-5)
        for (n, p1), (_, p2) in zip(sorted(eager_model.namedparams()),
                                    sorted(compiled_model.namedparams())):
            numpy.testing.assert_allclose(p2.array, p1.array, rtol=1e-5, atol=1e-6,
                                          err_msg=n)
    assert step.stats['compiled_calls'] == 4 and step.stats['fallbacks'] == 0
    state1, state2 = eager_model.W.update_rule.state, compiled_model.W.update_rule.state
    for key in state1:
        numpy.testing.assert_allclose(state2[key], state1[key], rtol=1e-5, atol=1e-7)


def test_smorms3_memory_starts_at_one_and_resumes(tmp_path):
    link = cf.Link()
    with link.init_scope():
        link.w = cf.Parameter(DATA['w0'].copy())
    opt = optimizers.SMORMS3()
    opt.setup(link)
    link.w.grad = DATA['gw'][0].copy()
    opt.update()
    cf.serializers.save_npz(str(tmp_path / 'opt.npz'), opt)
    again = cf.Link()
    with again.init_scope():
        again.w = cf.Parameter(link.w.array.copy())
    opt2 = optimizers.SMORMS3()
    opt2.setup(again)
    cf.serializers.load_npz(str(tmp_path / 'opt.npz'), opt2)
    for target, o in ((link, opt), (again, opt2)):
        target.w.grad = DATA['gw'][1].copy()
        o.update()
    numpy.testing.assert_array_equal(again.w.array, link.w.array)


def test_msvag_bias_correction_follows_t_after_a_resume():
    rule = optimizers.MSVAG(beta=0.5).create_update_rule()
    rule.t = 3
    assert rule.beta_power == 0.125
    assert rule.step_hyperparams()['bias'] == 0.875

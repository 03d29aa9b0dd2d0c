"""Optimizer state (t, epoch, per-parameter rule state) round-trips through save/load."""
import numpy
import pytest

from chainfuse import optimizers, serializers

from tests.optimizers._models import MLP, mse, params_of, regression_data

OPTIMIZERS = [
    lambda: optimizers.MomentumSGD(lr=0.05), lambda: optimizers.NesterovAG(lr=0.05),
    lambda: optimizers.AdaGrad(lr=0.05), lambda: optimizers.AdaDelta(),
    lambda: optimizers.RMSprop(lr=0.01), lambda: optimizers.Adam(alpha=0.01),
    lambda: optimizers.Adam(alpha=0.01, amsgrad=True, adabound=True),
]


@pytest.mark.parametrize('make', OPTIMIZERS)
def test_resumed_training_equals_uninterrupted_training(make, tmp_path):
    x, t = regression_data()
    model = MLP(seed=0)
    opt = make().setup(model)
    for _ in range(3):
        opt.update(mse, model, x, t)
    opt.new_epoch()
    serializers.save_npz(tmp_path / 'model.npz', model)
    serializers.save_npz(tmp_path / 'opt.npz', opt)

    resumed_model = MLP(seed=9)
    resumed = make().setup(resumed_model)
    serializers.load_npz(tmp_path / 'model.npz', resumed_model)
    serializers.load_npz(tmp_path / 'opt.npz', resumed)
    assert (resumed.t, resumed.epoch) == (3, 1)
    assert resumed_model.l1.W.update_rule.t == 3
    for name, p in model.namedparams():
        rule, other = p.update_rule, dict(resumed_model.namedparams())[name].update_rule
        assert sorted(rule.state) == sorted(other.state)
        for key in rule.state:
            numpy.testing.assert_array_equal(rule.state[key], other.state[key])

    for _ in range(2):
        opt.update(mse, model, x, t)
        resumed.update(mse, resumed_model, x, t)
    for (name, a), b in zip(params_of(model).items(), params_of(resumed_model).values()):
        numpy.testing.assert_array_equal(a, b, err_msg=name)


def test_optimizer_file_layout(tmp_path):
    model = MLP()
    opt = optimizers.Adam().setup(model)
    serializers.save_npz(tmp_path / 'fresh.npz', opt)
    with numpy.load(tmp_path / 'fresh.npz') as f:  # no state before the first update
        assert sorted(f.files) == ['epoch', 'l1/W/t', 'l1/b/t', 'l2/W/t', 'l2/b/t', 't']
    x, t = regression_data()
    opt.update(mse, model, x, t)
    serializers.save_npz(tmp_path / 'opt.npz', opt)
    with numpy.load(tmp_path / 'opt.npz') as f:
        assert {'l1/W/m', 'l1/W/v', 'l2/b/m'} <= set(f.files)
        assert f['t'].dtype == numpy.int64 and int(f['t']) == 1
        assert f['l1/W/m'].shape == model.l1.W.shape


def test_loading_state_into_an_optimizer_with_existing_state_copies_in_place(tmp_path):
    x, t = regression_data()
    a, b = MLP(seed=0), MLP(seed=0)
    opt_a = optimizers.Adam().setup(a)
    opt_b = optimizers.Adam().setup(b)
    opt_a.update(mse, a, x, t)
    opt_a.update(mse, a, x, t)
    opt_b.update(mse, b, x, t)
    m_array = b.l1.W.update_rule.state['m']
    serializers.save_npz(tmp_path / 'opt.npz', opt_a)
    serializers.load_npz(tmp_path / 'opt.npz', opt_b)
    assert b.l1.W.update_rule.state['m'] is m_array
    numpy.testing.assert_array_equal(m_array, a.l1.W.update_rule.state['m'])
    assert opt_b.t == 2


def test_state_of_a_different_optimizer_does_not_load_silently(tmp_path):
    x, t = regression_data()
    model = MLP()
    ams = optimizers.Adam(amsgrad=True).setup(model)
    ams.update(mse, model, x, t)
    serializers.save_npz(tmp_path / 'ams.npz', ams)
    plain = optimizers.Adam().setup(MLP())
    with pytest.raises(serializers.SerializationError, match='vhat'):
        serializers.load_npz(tmp_path / 'ams.npz', plain)
    momentum = optimizers.MomentumSGD().setup(MLP())
    with pytest.raises(serializers.SerializationError, match="'l1/W/m'"):
        serializers.load_npz(tmp_path / 'ams.npz', momentum)
    sgd_state = tmp_path / 'momentum.npz'
    serializers.save_npz(sgd_state, momentum)
    with pytest.raises(KeyError, match="'l1/W/m' is not in the file"):
        serializers.load_npz(sgd_state, optimizers.Adam().setup(MLP()))

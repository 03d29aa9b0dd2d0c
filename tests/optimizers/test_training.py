"""Every optimizer trains a small MLP, through both update() forms and with hooks."""
import numpy
import pytest

import chainfuse
import chainfuse.optimizer
from chainfuse import optimizers

from ._models import MLP, mse, params_of, regression_data

ALL = [
    optimizers.SGD(lr=0.1), optimizers.MomentumSGD(), optimizers.NesterovAG(),
    optimizers.AdaGrad(lr=0.05), optimizers.AdaDelta(), optimizers.RMSprop(lr=0.005),
    optimizers.Adam(alpha=0.01), optimizers.Adam(alpha=0.01, amsgrad=True),
    optimizers.Adam(alpha=0.01, adabound=True),
    optimizers.AdamW(alpha=0.01, weight_decay_rate=1e-4),
]


@pytest.mark.parametrize('opt', ALL, ids=lambda o: type(o).__name__)
def test_training_decreases_the_loss(opt):
    model = MLP(seed=0)
    x, t = regression_data()
    opt.setup(model)
    first = float(mse(model, x, t).array)
    for _ in range(60):
        opt.update(mse, model, x, t)
    last = float(mse(model, x, t).array)
    assert last < 0.7 * first, (first, last)
    assert all(numpy.isfinite(p.array).all() for p in model.params())


def test_both_update_forms_give_the_same_parameters():
    """update(lossfun, *args) == cleargrads + backward + update()."""
    x, t = regression_data()
    a, b = MLP(seed=3), MLP(seed=3)
    opt_a = optimizers.MomentumSGD(lr=0.05).setup(a)
    opt_b = optimizers.MomentumSGD(lr=0.05).setup(b)
    for o in (opt_a, opt_b):
        o.add_hook(chainfuse.optimizer.WeightDecay(0.0005))
    for _ in range(5):
        opt_a.update(mse, a, x, t)
        b.cleargrads()
        mse(b, x, t).backward()
        opt_b.update()
    for (name, pa), pb in zip(params_of(a).items(), params_of(b).values()):
        numpy.testing.assert_array_equal(pa, pb, err_msg=name)
    assert opt_a.t == opt_b.t == 5


def test_update_with_lossfun_clears_old_grads():
    x, t = regression_data()
    a, b = MLP(seed=4), MLP(seed=4)
    opt_a = optimizers.SGD(lr=0.1).setup(a)
    opt_b = optimizers.SGD(lr=0.1).setup(b)
    for p in a.params():  # garbage that update(lossfun) must not accumulate into
        p.grad = numpy.full_like(p.array, 100.0)
    opt_a.update(mse, a, x, t)
    opt_b.update(mse, b, x, t)
    for pa, pb in zip(params_of(a).values(), params_of(b).values()):
        numpy.testing.assert_array_equal(pa, pb)


def test_tutorial_program():
    """The introduction tutorial's optimizer section, with ``import chainfuse as chainer``."""
    import chainfuse as chainer
    model = MLP(n_in=4, n_hidden=3, n_out=2)
    optimizer = chainer.optimizers.SGD()
    optimizer.setup(model)
    optimizer.add_hook(chainer.optimizer.WeightDecay(0.0005))
    x = numpy.random.uniform(-1, 1, (2, 4)).astype('f')
    before = params_of(model)
    model.cleargrads()
    loss = chainer.functions.sum(model(chainer.Variable(x)))
    loss.backward()
    optimizer.update()

    def lossfun(arg1, arg2):
        return chainer.functions.sum(model(arg1 - arg2))
    arg1 = numpy.random.uniform(-1, 1, (2, 4)).astype('f')
    arg2 = numpy.random.uniform(-1, 1, (2, 4)).astype('f')
    optimizer.update(lossfun, chainer.Variable(arg1), chainer.Variable(arg2))
    assert optimizer.t == 2
    assert any((before[k] != v).any() for k, v in params_of(model).items())

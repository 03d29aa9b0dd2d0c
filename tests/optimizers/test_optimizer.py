"""Optimizer, GradientMethod and UpdateRule behaviour: setup, counters, hooks, flags."""
import warnings

import numpy
import pytest

import chainfuse.functions
import chainfuse.optimizer
from chainfuse import optimizers
from chainfuse.core.variable import Parameter

from ._models import MLP, Single, mse, params_of, regression_data


def _single(value=(1.0, 2.0)):
    link = Single(numpy.array(value, numpy.float32))
    return link, link.w


def test_setup_returns_the_optimizer_and_gives_every_param_a_rule():
    model = MLP()
    opt = optimizers.Adam()
    assert opt.setup(model) is opt
    assert opt.target is model and opt.t == 0 and opt.epoch == 0
    rules = [p.update_rule for p in model.params()]
    assert all(isinstance(r, optimizers.AdamRule) for r in rules)
    assert len({id(r) for r in rules}) == len(rules)
    assert rules[0].hyperparam.parent is opt.hyperparam


def test_setup_rejects_non_links():
    with pytest.raises(TypeError, match='must be a Link'):
        optimizers.SGD().setup(object())


def test_update_before_setup_and_add_hook_before_setup_are_errors():
    opt = optimizers.SGD()
    with pytest.raises(RuntimeError, match='setup'):
        opt.update()
    with pytest.raises(RuntimeError, match='setup'):
        opt.add_hook(chainfuse.optimizer.WeightDecay(0.1))


def test_state_is_created_at_the_first_update_like_the_param():
    link, w = _single()
    opt = optimizers.Adam().setup(link)
    assert w.update_rule.state is None
    w.grad = numpy.ones(2, numpy.float32)
    opt.update()
    state = w.update_rule.state
    assert sorted(state) == ['m', 'v']
    assert all(a.shape == (2,) and a.dtype == numpy.float32 for a in state.values())


def test_update_writes_into_the_existing_arrays():
    link, w = _single()
    opt = optimizers.MomentumSGD().setup(link)
    data = w.array
    w.grad = numpy.ones(2, numpy.float32)
    opt.update()
    v = w.update_rule.state['v']
    opt.update()
    assert w.array is data and w.update_rule.state['v'] is v


def test_t_counters_and_new_epoch():
    link, w = _single()
    opt = optimizers.SGD().setup(link)
    w.grad = numpy.zeros(2, numpy.float32)
    for _ in range(3):
        opt.update()
    assert opt.t == 3 and w.update_rule.t == 3
    opt.new_epoch()
    assert opt.epoch == 1
    with pytest.raises(RuntimeError, match='auto=True'):
        opt.new_epoch(auto=True)
    opt.use_auto_new_epoch = True
    opt.new_epoch(auto=True)
    assert opt.epoch == 2
    with pytest.raises(RuntimeError, match='duplicated'):
        opt.new_epoch()


def test_disabled_rule_skips_its_parameter():
    model = MLP()
    opt = optimizers.SGD(lr=0.1).setup(model)
    model.l1.disable_update()
    before = params_of(model)
    x, t = regression_data()
    opt.update(mse, model, x, t)
    after = params_of(model)
    numpy.testing.assert_array_equal(after['/l1/W'], before['/l1/W'])
    assert (after['/l2/W'] != before['/l2/W']).any()
    assert model.l1.W.update_rule.t == 0 and model.l2.W.update_rule.t == 1


def test_params_without_grad_get_zero_grads():
    link, w = _single()
    opt = optimizers.SGD().setup(link)
    opt.update()
    numpy.testing.assert_array_equal(w.grad, numpy.zeros(2, numpy.float32))
    numpy.testing.assert_array_equal(w.array, [1.0, 2.0])


def test_hooks_order_timing_and_removal():
    link, w = _single()
    opt = optimizers.SGD(lr=1.0).setup(link)
    seen = []

    def pre(o):
        seen.append(('pre', o.t, w.array.copy()))

    def post(o):
        seen.append(('post', o.t, w.array.copy()))
    post.timing = 'post'

    class PerParam:
        name = 'per_param'
        call_for_each_param = True
        timing = 'pre'

        def __call__(self, rule, param):
            seen.append(('each', type(rule).__name__, param is w))

    opt.add_hook(pre)
    opt.add_hook(post)
    opt.add_hook(PerParam())
    w.grad = numpy.ones(2, numpy.float32)
    opt.update()
    assert [s[0] for s in seen] == ['pre', 'each', 'post']
    assert seen[0][1] == 0 and seen[2][1] == 1  # pre runs before t += 1, post after
    numpy.testing.assert_array_equal(seen[0][2], [1.0, 2.0])
    numpy.testing.assert_array_equal(seen[2][2], [0.0, 1.0])
    assert seen[1] == ('each', 'SGDRule', True)
    with pytest.raises(KeyError, match='already exists'):
        opt.add_hook(pre)
    opt.add_hook(pre, name='pre2', timing='post')
    opt.remove_hook('pre')
    opt.remove_hook('post')
    opt.remove_hook('per_param')
    opt.remove_hook('pre2')
    with pytest.raises(KeyError):
        opt.remove_hook('pre')
    with pytest.raises(ValueError, match='timing'):
        opt.add_hook(pre, timing='later')


def test_update_rule_hooks():
    link, w = _single()
    opt = optimizers.SGD(lr=1.0).setup(link)
    w.update_rule.add_hook(chainfuse.optimizer.WeightDecay(0.5))
    w.grad = numpy.zeros(2, numpy.float32)
    opt.update()
    numpy.testing.assert_allclose(w.array, [0.5, 1.0])  # grad = 0 + 0.5 * w
    w.update_rule.remove_hook('WeightDecay')


def test_hyperparameter_proxies_and_defaults():
    assert optimizers.SGD().lr == 0.01
    assert (optimizers.MomentumSGD().lr, optimizers.MomentumSGD().momentum) == (0.01, 0.9)
    assert optimizers.AdaGrad().lr == 0.001 and optimizers.AdaGrad().eps == 1e-8
    assert (optimizers.AdaDelta().rho, optimizers.AdaDelta().eps) == (0.95, 1e-6)
    r = optimizers.RMSprop()
    assert (r.lr, r.alpha, r.eps, r.eps_inside_sqrt) == (0.01, 0.99, 1e-8, False)
    a = optimizers.Adam()
    assert (a.alpha, a.beta1, a.beta2, a.eps, a.eta, a.weight_decay_rate) == \
        (0.001, 0.9, 0.999, 1e-8, 1.0, 0)
    assert (a.amsgrad, a.adabound, a.final_lr, a.gamma) == (False, False, 0.1, 1e-3)
    a.alpha = 0.5
    assert a.hyperparam.alpha == 0.5
    assert 'alpha=0.5' in repr(a.hyperparam)
    assert optimizers.AMSGrad().amsgrad and optimizers.AdaBound().adabound
    assert optimizers.AMSBound().amsgrad and optimizers.AMSBound().adabound


def test_adam_alpha_t_and_deprecated_lr():
    link, w = _single()
    opt = optimizers.Adam(alpha=0.1).setup(link)
    with pytest.raises(RuntimeError, match='not been started'):
        opt.alpha_t
    w.grad = numpy.ones(2, numpy.float32)
    opt.update()
    expected = 0.1 * numpy.sqrt(1 - 0.999) / (1 - 0.9)
    assert opt.alpha_t == pytest.approx(expected)
    assert w.update_rule.alpha_t == pytest.approx(expected)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert opt.lr == pytest.approx(expected)
    assert any(issubclass(c.category, DeprecationWarning) for c in caught)


def test_amsgrad_switched_on_after_setup_gets_its_state():
    link, w = _single()
    opt = optimizers.Adam().setup(link)
    w.grad = numpy.ones(2, numpy.float32)
    opt.update()
    opt.amsgrad = True
    opt.update()
    assert sorted(w.update_rule.state) == ['m', 'v', 'vhat']


def test_static_loss_scale_is_divided_out():
    x, t = regression_data()
    a, b = MLP(seed=2), MLP(seed=2)
    opt_a = optimizers.SGD(lr=0.1).setup(a)
    opt_b = optimizers.SGD(lr=0.1).setup(b)
    opt_b.set_loss_scale(128.0)
    opt_a.update(mse, a, x, t)
    opt_b.update(mse, b, x, t)
    for pa, pb in zip(params_of(a).values(), params_of(b).values()):
        numpy.testing.assert_allclose(pa, pb, rtol=1e-6, atol=1e-7)
    with pytest.raises(NotImplementedError, match='dynamic'):
        opt_b.loss_scaling()


def test_lazily_initialized_parameter_gets_updated_after_it_is_initialized():
    from ._models import Dense
    layer = Dense(None, 2)
    opt = optimizers.SGD(lr=0.1).setup(layer)
    assert layer.W.update_rule is not None and not layer.W.is_initialized
    opt.update()  # nothing initialized yet: nothing happens
    x = numpy.ones((3, 4), numpy.float32)
    opt.update(lambda: chainfuse.functions.sum(layer(x)))
    assert layer.W.is_initialized and layer.W.update_rule.t == 2


def test_chainer_style_rule_without_step_function():
    class HalfRule(optimizers.UpdateRule):
        def init_state(self, param):
            self.state['count'] = numpy.zeros((), numpy.int64)

        def update_core_cpu(self, param):
            self.state['count'] += 1
            param.array[...] *= 0.5

    class Half(optimizers.GradientMethod):
        def create_update_rule(self):
            return HalfRule(self.hyperparam)

    link, w = _single()
    opt = Half().setup(link)
    w.grad = numpy.zeros(2, numpy.float32)
    opt.update()
    opt.update()
    numpy.testing.assert_array_equal(w.array, [0.25, 0.5])
    assert int(w.update_rule.state['count']) == 2


def test_parameter_registered_after_setup_is_not_updated():
    link, w = _single()
    opt = optimizers.SGD(lr=1.0).setup(link)
    with link.init_scope():
        link.u = Parameter(numpy.ones(2, numpy.float32))
    link.u.grad = numpy.ones(2, numpy.float32)
    opt.update()
    numpy.testing.assert_array_equal(link.u.array, [1.0, 1.0])

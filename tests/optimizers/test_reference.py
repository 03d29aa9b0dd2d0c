"""Each optimizer's updates against a NumPy reference of the published formulas, step by
step, in float64 (tight) and float32 (float32 tolerance)."""
import math

import numpy
import pytest

from chainfuse import optimizers

from ._models import Single

N_STEPS = 4


def ref_sgd(p, g, s, t, lr=0.01):
    return p - lr * g


def ref_momentum_sgd(p, g, s, t, lr=0.01, momentum=0.9):
    s['v'] = momentum * s.get('v', 0) - lr * g
    return p + s['v']


def ref_nesterov_ag(p, g, s, t, lr=0.01, momentum=0.9):
    s['v'] = momentum * s.get('v', 0) - lr * g
    return p + momentum ** 2 * s['v'] - (1 + momentum) * lr * g


def ref_ada_grad(p, g, s, t, lr=0.001, eps=1e-8):
    s['h'] = s.get('h', 0) + g * g
    return p - lr * g / (numpy.sqrt(s['h']) + eps)


def ref_ada_delta(p, g, s, t, rho=0.95, eps=1e-6):
    s['msg'] = rho * s.get('msg', 0) + (1 - rho) * g * g
    dx = numpy.sqrt((s.get('msdx', 0) + eps) / (s['msg'] + eps)) * g
    s['msdx'] = rho * s.get('msdx', 0) + (1 - rho) * dx * dx
    return p - dx


def ref_rmsprop(p, g, s, t, lr=0.01, alpha=0.99, eps=1e-8, eps_inside_sqrt=False):
    s['ms'] = alpha * s.get('ms', 0) + (1 - alpha) * g * g
    denom = numpy.sqrt(s['ms'] + eps) if eps_inside_sqrt else numpy.sqrt(s['ms']) + eps
    return p - lr * g / denom


def ref_adam(p, g, s, t, alpha=0.001, beta1=0.9, beta2=0.999, eps=1e-8, eta=1.0,
             weight_decay_rate=0.0, amsgrad=False, adabound=False, final_lr=0.1,
             gamma=1e-3):
    s['m'] = beta1 * s.get('m', 0) + (1 - beta1) * g
    s['v'] = beta2 * s.get('v', 0) + (1 - beta2) * g * g
    v = s['v']
    if amsgrad:
        s['vhat'] = v = numpy.maximum(s.get('vhat', 0), v)
    alpha_t = alpha * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    step = alpha_t / (numpy.sqrt(v) + eps)
    if adabound:
        lower = final_lr * (1 - 1 / (gamma * t + 1))
        upper = final_lr * (1 + 1 / (gamma * t))
        step = numpy.clip(step, lower, upper)
    return p - eta * (step * s['m'] + weight_decay_rate * p)


CASES = [
    (optimizers.SGD, ref_sgd, {}),
    (optimizers.SGD, ref_sgd, dict(lr=0.3)),
    (optimizers.MomentumSGD, ref_momentum_sgd, {}),
    (optimizers.MomentumSGD, ref_momentum_sgd, dict(lr=0.1, momentum=0.5)),
    (optimizers.NesterovAG, ref_nesterov_ag, {}),
    (optimizers.NesterovAG, ref_nesterov_ag, dict(lr=0.05, momentum=0.7)),
    (optimizers.AdaGrad, ref_ada_grad, {}),
    (optimizers.AdaGrad, ref_ada_grad, dict(lr=0.1, eps=1e-4)),
    (optimizers.AdaDelta, ref_ada_delta, {}),
    (optimizers.AdaDelta, ref_ada_delta, dict(rho=0.9, eps=1e-4)),
    (optimizers.RMSprop, ref_rmsprop, {}),
    (optimizers.RMSprop, ref_rmsprop, dict(lr=0.1, alpha=0.9, eps=1e-3, eps_inside_sqrt=True)),
    (optimizers.Adam, ref_adam, {}),
    (optimizers.Adam, ref_adam, dict(alpha=0.01, beta1=0.8, beta2=0.99, eps=1e-6)),
    (optimizers.Adam, ref_adam, dict(eta=0.5, weight_decay_rate=0.1)),
    (optimizers.Adam, ref_adam, dict(amsgrad=True)),
    (optimizers.Adam, ref_adam, dict(adabound=True, final_lr=0.01, gamma=0.5)),
    (optimizers.Adam, ref_adam, dict(amsgrad=True, adabound=True, final_lr=0.01, gamma=0.5)),
]


def _ids(case):
    cls, _, kw = case
    return cls.__name__ + ''.join(f'-{k}={v}' for k, v in kw.items())


def _grads(shape, dtype, seed=0):
    rng = numpy.random.default_rng(seed)
    # grads change sign and scale between steps, so amsgrad's max and the bounds matter
    return [(rng.standard_normal(shape) * (2.0 if k % 2 else 0.3)).astype(dtype)
            for k in range(N_STEPS)]


@pytest.mark.parametrize('case', CASES, ids=[_ids(c) for c in CASES])
@pytest.mark.parametrize('dtype', [numpy.float64, numpy.float32])
def test_updates_match_reference_step_by_step(case, dtype):
    cls, ref, kwargs = case
    rng = numpy.random.default_rng(42)
    start = rng.standard_normal((3, 4)).astype(dtype)
    link = Single(start.copy())
    opt = cls(**kwargs).setup(link)
    expected = start.astype(numpy.float64)
    state = {}
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == numpy.float64 else \
        dict(rtol=2e-5, atol=2e-6)
    for t, g in enumerate(_grads(start.shape, dtype), start=1):
        link.w.grad = g.copy()
        opt.update()
        expected = ref(expected, g.astype(numpy.float64), state, t, **kwargs)
        assert link.w.array.dtype == dtype
        numpy.testing.assert_allclose(link.w.array, expected, **tol, err_msg=f'step {t}')
    rule_state = link.w.update_rule.state
    assert sorted(rule_state) == sorted(state)
    for name, value in state.items():
        numpy.testing.assert_allclose(rule_state[name], value, **tol, err_msg=name)
    assert opt.t == N_STEPS and link.w.update_rule.t == N_STEPS


def test_adam_float16_params_are_updated_in_float32_arithmetic():
    start = numpy.linspace(-1, 1, 6).astype(numpy.float16)
    link = Single(start.copy())
    opt = optimizers.Adam(alpha=0.01).setup(link)
    expected, state = start.astype(numpy.float64), {}
    for t, g in enumerate(_grads(start.shape, numpy.float16), start=1):
        link.w.grad = g.copy()
        opt.update()
        expected = ref_adam(expected, g.astype(numpy.float64), state, t, alpha=0.01)
    assert link.w.array.dtype == numpy.float16
    assert link.w.update_rule.state['m'].dtype == numpy.float16
    numpy.testing.assert_allclose(link.w.array, expected, atol=2e-3)


def test_eps_too_small_for_float16_is_an_error():
    link = Single(numpy.ones(3, numpy.float16))
    opt = optimizers.RMSprop(eps=1e-10).setup(link)
    link.w.grad = numpy.ones(3, numpy.float16)
    with pytest.raises(ValueError, match='eps of RMSprop optimizer is too small for float16'):
        opt.update()


def test_per_parameter_learning_rate():
    class Two(Single):
        def __init__(self):
            super().__init__(numpy.zeros(3))
            from chainfuse.core.variable import Parameter
            with self.init_scope():
                self.u = Parameter(numpy.zeros(3))

    link = Two()
    opt = optimizers.SGD(lr=0.1).setup(link)
    link.u.update_rule.hyperparam.lr = 1.0
    link.w.grad = numpy.ones(3)
    link.u.grad = numpy.ones(3)
    opt.update()
    numpy.testing.assert_array_equal(link.w.array, -0.1)
    numpy.testing.assert_array_equal(link.u.array, -1.0)
    opt.lr = 0.5  # the optimizer's value reaches rules that do not override it
    opt.update()
    numpy.testing.assert_array_equal(link.w.array, -0.6)
    numpy.testing.assert_array_equal(link.u.array, -2.0)

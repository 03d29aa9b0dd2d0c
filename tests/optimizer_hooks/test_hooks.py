"""WeightDecay, Lasso, GradientClipping, GradientHardClipping, GradientNoise."""
import numpy
import pytest

import chainfuse
import chainfuse.optimizer
from chainfuse import optimizer_hooks, optimizers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link


class Two(Link):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.a = Parameter(numpy.array([1.0, -2.0, 0.0], numpy.float32))
            self.b = Parameter(numpy.array([[3.0, -4.0]], numpy.float32))


def _step(hook, grads, lr=1.0):
    """One SGD(lr) step with `hook`; returns the link (grads as the hook left them)."""
    link = Two()
    opt = optimizers.SGD(lr=lr).setup(link)
    opt.add_hook(hook)
    link.a.grad = numpy.array(grads[0], numpy.float32)
    link.b.grad = numpy.array(grads[1], numpy.float32)
    opt.update()
    return link


def test_aliases_for_old_tutorials():
    assert chainfuse.optimizer.WeightDecay is optimizer_hooks.WeightDecay
    assert chainfuse.optimizer.Lasso is optimizer_hooks.Lasso
    assert chainfuse.optimizer.GradientClipping is optimizer_hooks.GradientClipping
    assert chainfuse.optimizer.GradientHardClipping is optimizer_hooks.GradientHardClipping
    assert chainfuse.optimizer.GradientNoise is optimizer_hooks.GradientNoise


def test_weight_decay_adds_rate_times_param():
    link = _step(optimizer_hooks.WeightDecay(0.1), ([1, 1, 1], [[0, 0]]))
    numpy.testing.assert_allclose(link.a.grad, [1.1, 0.8, 1.0])
    numpy.testing.assert_allclose(link.b.grad, [[0.3, -0.4]])
    numpy.testing.assert_allclose(link.a.array, [1 - 1.1, -2 - 0.8, -1.0], rtol=1e-6)


def test_lasso_adds_rate_times_sign():
    link = _step(optimizer_hooks.Lasso(0.1), ([1, 1, 1], [[0, 0]]))
    numpy.testing.assert_allclose(link.a.grad, [1.1, 0.9, 1.0])
    numpy.testing.assert_allclose(link.b.grad, [[0.1, -0.1]])


def test_gradient_clipping_scales_to_the_global_norm():
    grads = ([3, 0, 0], [[0, 4]])  # global norm 5
    link = _step(optimizer_hooks.GradientClipping(1.0), grads)
    numpy.testing.assert_allclose(link.a.grad, [0.6, 0, 0], rtol=1e-6)
    numpy.testing.assert_allclose(link.b.grad, [[0, 0.8]], rtol=1e-6)
    norm = numpy.sqrt((link.a.grad ** 2).sum() + (link.b.grad ** 2).sum())
    assert norm == pytest.approx(1.0, rel=1e-6)


def test_gradient_clipping_leaves_small_gradients_alone():
    link = _step(optimizer_hooks.GradientClipping(10.0), ([3, 0, 0], [[0, 4]]))
    numpy.testing.assert_array_equal(link.a.grad, [3, 0, 0])
    link = _step(optimizer_hooks.GradientClipping(1.0), ([0, 0, 0], [[0, 0]]))
    numpy.testing.assert_array_equal(link.a.grad, [0, 0, 0])


def test_gradient_hard_clipping():
    link = _step(optimizer_hooks.GradientHardClipping(-0.5, 1.0), ([-3, 0.25, 5], [[-0.125, 2]]))
    numpy.testing.assert_array_equal(link.a.grad, [-0.5, 0.25, 1.0])
    numpy.testing.assert_array_equal(link.b.grad, [[-0.125, 1.0]])
    link = _step(optimizer_hooks.GradientHardClipping(None, 1.0), ([-3, 0.25, 5], [[0, 0]]))
    numpy.testing.assert_array_equal(link.a.grad, [-3, 0.25, 1.0])


def test_gradient_noise_is_reproducible_and_annealed():
    def noise_after(seed, eta):
        chainfuse.set_random_seed(seed)
        link = _step(optimizer_hooks.GradientNoise(eta), ([0, 0, 0], [[0, 0]]))
        return numpy.concatenate([link.a.grad.ravel(), link.b.grad.ravel()])

    a, b = noise_after(0, 0.3), noise_after(0, 0.3)
    numpy.testing.assert_array_equal(a, b)
    assert (a != 0).all() and (a != noise_after(1, 0.3)).any()

    seen = []
    hook = optimizer_hooks.GradientNoise(
        0.3, noise_func=lambda xp, shape, dtype, h, rule: (
            seen.append((shape, dtype, h, rule.t)) or xp.ones(shape, dtype)))
    link = _step(hook, ([0, 0, 0], [[0, 0]]))
    numpy.testing.assert_array_equal(link.a.grad, [1, 1, 1])
    assert seen[0][0] == (3,) and seen[0][1] == numpy.float32 and seen[0][2] is hook
    std = numpy.sqrt(0.3 / numpy.power(1 + 0, 0.55))
    chainfuse.set_random_seed(3)
    draws = optimizer_hooks.exponential_decay_noise(
        numpy, (20000,), numpy.float32, hook, type('R', (), {'t': 0})())
    assert draws.std() == pytest.approx(std, rel=0.05)


def test_hooks_default_to_pre_and_have_chainer_names():
    for hook, name in [(optimizer_hooks.WeightDecay(1), 'WeightDecay'),
                       (optimizer_hooks.Lasso(1), 'Lasso'),
                       (optimizer_hooks.GradientClipping(1), 'GradientClipping'),
                       (optimizer_hooks.GradientHardClipping(-1, 1), 'GradientHardClipping'),
                       (optimizer_hooks.GradientNoise(1), 'GradientNoise')]:
        assert hook.name == name and hook.timing == 'pre'


def test_post_timing_hook_sees_updated_parameters():
    link = Two()
    opt = optimizers.SGD(lr=1.0).setup(link)
    opt.add_hook(optimizer_hooks.WeightDecay(0.5), timing='post')
    link.a.grad = numpy.ones(3, numpy.float32)
    link.b.grad = numpy.zeros((1, 2), numpy.float32)
    opt.update()
    numpy.testing.assert_allclose(link.a.array, [0.0, -3.0, -1.0])  # decay not applied yet
    numpy.testing.assert_allclose(link.a.grad, [1.0, -0.5, 0.5])    # grad += 0.5 * new a

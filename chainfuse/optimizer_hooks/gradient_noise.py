"""GradientNoise: adds annealed Gaussian noise to every gradient (Neelakantan et al.)."""
import numpy

from chainfuse import backend
from chainfuse import random as cf_random
from chainfuse.optimizers.step_ops import rewrite_grad


def exponential_decay_noise(xp, shape, dtype, hook, opt):
    """Noise of variance ``eta / (1 + t)**0.55`` (``opt`` is the update rule, ``t`` its
    step count), drawn from numpy's global generator on the CPU (as Chainer does:
    ``numpy.random.seed`` makes it reproducible) and from CuPy's on a GPU."""
    std = numpy.sqrt(hook.eta / numpy.power(1 + opt.t, 0.55))
    if xp is numpy:
        return cf_random.get_random_state().normal(0, std, shape).astype(dtype)
    return xp.random.normal(0, std, shape).astype(dtype)  # pragma: no cover - cupy


def add_noise_step(ops, hp, param, grad, noise):
    return grad + noise


class GradientNoise:
    """Optimizer hook adding ``noise_func(xp, shape, dtype, hook, rule)`` to each grad.

    Args:
        eta (float): scale of the noise (0.01, 0.3 or 1.0 are recommended).
        noise_func: the noise generator (default: `exponential_decay_noise`).
    """

    name = 'GradientNoise'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, eta, noise_func=exponential_decay_noise):
        self.eta = eta
        self.noise_func = noise_func

    def __call__(self, rule, param):
        grad = param.grad
        if grad is None or param._data is None:
            return
        xp = backend.get_array_module(grad)
        noise = self.noise_func(xp, grad.shape, grad.dtype, self, rule)

        def step(ops, hp, p, g):
            return add_noise_step(ops, hp, p, g, noise)
        rewrite_grad(step, {}, param)

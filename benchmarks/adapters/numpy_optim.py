"""Chainer's update rules, written in place for the ``numpy`` baseline.

Each optimizer keeps one scratch array per parameter; an update allocates nothing.
"""
import math

import numpy as np


class SGD:
    """``p -= lr g``."""

    def __init__(self, pairs, lr):
        self.pairs, self.lr = pairs, lr
        self.scratch = [np.empty_like(p) for p, _ in pairs]

    def update(self):
        for (p, g), s in zip(self.pairs, self.scratch):
            np.multiply(g, self.lr, out=s)
            p -= s


class AdaGrad:
    """``h += g g; p -= lr g / (sqrt(h) + eps)``."""

    def __init__(self, pairs, lr, eps):
        self.pairs, self.lr, self.eps = pairs, lr, eps
        self.h = [np.zeros_like(p) for p, _ in pairs]
        self.scratch = [np.empty_like(p) for p, _ in pairs]

    def update(self):
        for (p, g), h, s in zip(self.pairs, self.h, self.scratch):
            np.multiply(g, g, out=s)
            h += s
            np.sqrt(h, out=s)
            s += self.eps
            np.divide(g, s, out=s)
            s *= self.lr
            p -= s


class Adam:
    """Chainer's Adam: ``m += (1 - b1)(g - m); v += (1 - b2)(g g - v);
    p -= alpha_t m / (sqrt(v) + eps)`` with ``alpha_t = alpha sqrt(1 - b2^t) / (1 - b1^t)``.
    """

    def __init__(self, pairs, alpha, beta1, beta2, eps):
        self.pairs = pairs
        self.alpha, self.beta1, self.beta2, self.eps = alpha, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p, _ in pairs]
        self.v = [np.zeros_like(p) for p, _ in pairs]
        self.scratch = [np.empty_like(p) for p, _ in pairs]
        self.t = 0

    def update(self):
        self.t += 1
        fix1, fix2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        alpha_t = self.alpha * math.sqrt(fix2) / fix1
        for (p, g), m, v, s in zip(self.pairs, self.m, self.v, self.scratch):
            np.subtract(g, m, out=s)
            s *= 1 - self.beta1
            m += s
            np.multiply(g, g, out=s)
            s -= v
            s *= 1 - self.beta2
            v += s
            np.sqrt(v, out=s)
            s += self.eps
            np.divide(m, s, out=s)
            s *= alpha_t
            p -= s


def make(spec, pairs):
    name, hp = spec['optimizer']
    if name == 'sgd':
        return SGD(pairs, hp['lr'])
    if name == 'adagrad':
        return AdaGrad(pairs, hp['lr'], hp['eps'])
    if name == 'adam':
        return Adam(pairs, hp['alpha'], hp['beta1'], hp['beta2'], hp['eps'])
    raise ValueError(f'unknown optimizer {name!r}')

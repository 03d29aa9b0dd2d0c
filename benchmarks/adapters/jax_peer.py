"""JAX on the CPU: the whole training step under one ``jax.jit``.

The step is ``loss, grads = value_and_grad(loss_fn)(params, x, t)`` followed by
the optimizer update written by hand with Chainer's formulas (no optax)::

    Adam     m += (1 - beta1) (g - m);  v += (1 - beta2) (g g - v)
             p -= alpha_t m / (sqrt(v) + eps),
             alpha_t = alpha sqrt(1 - beta2^t) / (1 - beta1^t)  (host, float64 -> f32)
    AdaGrad  h += g g;  p -= lr g / (sqrt(h) + eps)
    SGD      p -= lr g

Parameters and optimizer state are donated to the step (updated in place).  XLA's
CPU backend sizes its thread pool from the machine's cores.
"""
import math

import numpy

from benchmarks.adapters.base import Adapter
from benchmarks.specs import GELU_A, GELU_C


def _layer(jax, params, i, layer, x):
    jnp, lax = jax.numpy, jax.lax
    kind = layer[0]
    if kind == 'linear':
        return x @ params[f'l{i}/W'].T + params[f'l{i}/b']
    if kind == 'conv':
        y = lax.conv_general_dilated(x, params[f'l{i}/W'], (1, 1), 'VALID',
                                     dimension_numbers=('NCHW', 'OIHW', 'NCHW'))
        return y + params[f'l{i}/b'][None, :, None, None]
    if kind == 'relu':
        return jnp.maximum(x, 0)
    if kind == 'tanh':
        return jnp.tanh(x)
    if kind == 'gelu_tanh':
        return 0.5 * x * (1.0 + jnp.tanh(GELU_C * (x + GELU_A * x * x * x)))
    if kind == 'maxpool':
        k, s = layer[1], layer[2]
        return lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, k, k), (1, 1, s, s), 'VALID')
    if kind == 'flatten':
        return x.reshape(x.shape[0], -1)
    raise ValueError(f'unknown layer {layer!r}')


def _lstm(jax, params, net, xs):
    jnp = jax.numpy
    h = jnp.zeros((xs.shape[0], net['n_hidden']), xs.dtype)
    c = jnp.zeros_like(h)
    W, b = params['gates/W'], params['gates/b']
    for s in range(net['steps']):
        z = jnp.concatenate((xs[:, s], h), axis=1) @ W.T + b
        i, f, o, g = jnp.split(z, 4, axis=1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
    return h @ params['out/W'].T + params['out/b']


def make_loss(jax, spec):
    jnp = jax.numpy
    net = spec['net']

    def loss_fn(params, x, t):
        if net['kind'] == 'lstm':
            y = _lstm(jax, params, net, x)
        else:
            for i, layer in enumerate(net['layers']):
                x = _layer(jax, params, i, layer, x)
            y = x
        if spec['loss'] == 'softmax_ce':
            picked = jnp.take_along_axis(y, t[:, None], axis=1)[:, 0]
            return jnp.mean(jax.nn.logsumexp(y, axis=1) - picked)
        logp = jax.nn.log_softmax(y, axis=1)
        return -jnp.sum(jnp.take_along_axis(logp, t[:, None], axis=1)) / y.shape[0]
    return loss_fn


def make_update(jax, spec):
    """(init_state(params), update(params, grads, state, scale))."""
    jnp = jax.numpy
    name, hp = spec['optimizer']
    tree = jax.tree_util.tree_map
    if name == 'sgd':
        return (lambda p: {}), (lambda p, g, s, scale: (tree(lambda a, b: a - hp['lr'] * b,
                                                             p, g), s))
    if name == 'adagrad':
        def adagrad(p, g, s, scale):
            h = tree(lambda h, g: h + g * g, s['h'], g)
            new = tree(lambda p, g, h: p - hp['lr'] * g / (jnp.sqrt(h) + hp['eps']), p, g, h)
            return new, {'h': h}
        return (lambda p: {'h': tree(jnp.zeros_like, p)}), adagrad

    def adam(p, g, s, alpha_t):
        m = tree(lambda m, g: m + (1 - hp['beta1']) * (g - m), s['m'], g)
        v = tree(lambda v, g: v + (1 - hp['beta2']) * (g * g - v), s['v'], g)
        new = tree(lambda p, m, v: p - alpha_t * m / (jnp.sqrt(v) + hp['eps']), p, m, v)
        return new, {'m': m, 'v': v}
    return (lambda p: {'m': tree(jnp.zeros_like, p), 'v': tree(jnp.zeros_like, p)}), adam


def host_scale(spec, t):
    """Adam's bias-corrected alpha_t for step t (1-based), else 0 (unused)."""
    name, hp = spec['optimizer']
    if name != 'adam':
        return numpy.float32(0)
    fix1, fix2 = 1 - hp['beta1'] ** t, 1 - hp['beta2'] ** t
    return numpy.float32(hp['alpha'] * math.sqrt(fix2) / fix1)


class Jax(Adapter):
    framework = 'jax'

    def setup(self, spec, params, x, t):
        import jax
        self.jax = jax
        self.spec = spec
        loss_fn = make_loss(jax, spec)
        init_state, update = make_update(jax, spec)

        def train_step(params, state, scale, x, t):
            loss, grads = jax.value_and_grad(loss_fn)(params, x, t)
            params, state = update(params, grads, state, scale)
            return params, state, loss
        self.fn = jax.jit(train_step, donate_argnums=(0, 1))
        self.params = {k: jax.numpy.asarray(a) for k, a in params.items()}
        self.state = init_state(self.params)
        self.x, self.t = jax.numpy.asarray(x), jax.numpy.asarray(t)
        self.n = 0

    def step(self):
        self.n += 1
        self.params, self.state, loss = self.fn(self.params, self.state,
                                                host_scale(self.spec, self.n), self.x, self.t)
        return loss

    def step_loss(self):
        return float(self.step())

    def sync(self):
        self.jax.block_until_ready(self.params)

    def info(self):
        import jaxlib
        jax = self.jax
        return {'jax': jax.__version__, 'jaxlib': jaxlib.__version__,
                'jax backend': f'{jax.default_backend()} ({len(jax.devices())} device)'}

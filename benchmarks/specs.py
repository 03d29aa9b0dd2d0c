"""The benchmark models as plain data, read by every framework adapter.

This module imports only numpy, so every interpreter can read it: the main one and
the Chainer 7 virtualenv (which has neither chainfuse nor torch).

A model is a dict::

    net        {'kind': 'sequential', 'layers': [...]}  or  {'kind': 'lstm', ...}
    input      shape of one example (the batch dimension comes first)
    loss       'softmax_ce' (mean over the batch) or 'log_softmax_nll' (the same
               number, written as log-softmax then the mean negative log-likelihood)
    optimizer  (name, hyperparameters): 'adam', 'sgd' or 'adagrad'
    batch      batch size

Layers of a sequential net: ``('linear', n_in, n_out)`` (Chainer's layout: W is
(out, in), y = x W^T + b), ``('conv', c_in, c_out, k)`` (stride 1, no padding,
W is (out, in, k, k)), ``('maxpool', k, stride)`` (no padding; the sizes here never
leave a partial window, so Chainer's cover_all makes no difference), ``('flatten',)``,
and the activations ``('relu',)``, ``('tanh',)`` and ``('gelu_tanh',)``: GELU in its
tanh form, ``0.5 x (1 + tanh(0.7978845608 (x + 0.044715 x^3)))``, written from
elementwise primitives in every framework.

An LSTM net: per time step one linear over ``concat(x_t, h)`` gives the four gates
``i, f, o, g`` (in that order along the feature axis), ``c = sigmoid(f) c +
sigmoid(i) tanh(g)``, ``h = sigmoid(o) tanh(c)``; h and c start at zero; the last h
goes through ``Linear(n_hidden, n_out)``.  The input is (batch, steps, n_in).

Initial weights come from one ``numpy.random.RandomState(seed)`` per model
(`init_params`), and the one batch every step trains on from another
(`make_batch`): uniform [0, 1) inputs and labels in 0..9.
"""
import hashlib

import numpy

SEED = 0
GELU_C = 0.7978845608   # sqrt(2 / pi)
GELU_A = 0.044715

ADAM = ('adam', {'alpha': 0.001, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8})


def sgd(lr):
    return ('sgd', {'lr': lr})


def adagrad(lr):
    return ('adagrad', {'lr': lr, 'eps': 1e-8})


def mlp(sizes, act='relu'):
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [('linear', n_in, n_out), (act,)]
    return {'kind': 'sequential', 'layers': layers[:-1]}


def lstm(n_in, n_hidden, steps=8, n_out=10):
    return {'kind': 'lstm', 'n_in': n_in, 'n_hidden': n_hidden, 'steps': steps,
            'n_out': n_out}


CNN_MNIST = [('conv', 1, 32, 5), ('relu',), ('maxpool', 2, 1),
             ('conv', 32, 64, 5), ('relu',), ('maxpool', 2, 1), ('flatten',),
             ('linear', 64 * 18 * 18, 512), ('relu',), ('linear', 512, 10)]
LENET = [('conv', 1, 20, 5), ('tanh',), ('maxpool', 2, 2),
         ('conv', 20, 50, 5), ('tanh',), ('maxpool', 2, 2), ('flatten',),
         ('linear', 50 * 4 * 4, 500), ('tanh',), ('linear', 500, 10)]
GELU_MLP = [('linear', 512, 512), ('gelu_tanh',)] * 4 + [('linear', 512, 10)]


def _model(net, input_shape, optimizer, batch, loss='softmax_ce', note=''):
    return {'net': net, 'input': tuple(input_shape), 'loss': loss,
            'optimizer': optimizer, 'batch': batch, 'note': note}


MODELS = {
    'mlp50_adam': _model(mlp([784, 50, 50, 10]), (784,), ADAM, 100),
    'mlp100_sgd': _model(mlp([784, 100, 100, 10]), (784,), sgd(0.01), 100),
    'mlp1000_adagrad': _model(mlp([1024, 1000, 1000, 10]), (1024,), adagrad(0.001), 256,
                              loss='log_softmax_nll'),
    'cnn_mnist': _model({'kind': 'sequential', 'layers': CNN_MNIST}, (1, 28, 28), ADAM, 100),
    'lenet': _model({'kind': 'sequential', 'layers': LENET}, (1, 28, 28), sgd(0.03), 64),
    'gelu_mlp': _model({'kind': 'sequential', 'layers': GELU_MLP}, (512,), ADAM, 64,
                       note='input 512, four Linear(512, 512) + GELU, then Linear(512, 10)'),
    'lstm_cell': _model(lstm(256, 256), (8, 256), ADAM, 64),
    'lstm_narrow': _model(lstm(32, 32), (8, 32), ADAM, 2048),
    'mlp100_sgd_b1': _model(mlp([784, 100, 100, 10]), (784,), sgd(0.01), 1),
    'mlp100_sgd_b8': _model(mlp([784, 100, 100, 10]), (784,), sgd(0.01), 8),
}

DEFAULT_MODELS = list(MODELS)


def param_shapes(spec):
    """[(name, shape)] in a fixed order; names are Chainer-style link paths."""
    net = spec['net']
    if net['kind'] == 'lstm':
        n_in, n, n_out = net['n_in'], net['n_hidden'], net['n_out']
        return [('gates/W', (4 * n, n_in + n)), ('gates/b', (4 * n,)),
                ('out/W', (n_out, n)), ('out/b', (n_out,))]
    shapes = []
    for i, layer in enumerate(net['layers']):
        if layer[0] == 'linear':
            shapes += [(f'l{i}/W', (layer[2], layer[1])), (f'l{i}/b', (layer[2],))]
        elif layer[0] == 'conv':
            _, c_in, c_out, k = layer
            shapes += [(f'l{i}/W', (c_out, c_in, k, k)), (f'l{i}/b', (c_out,))]
    return shapes


def init_params(spec, seed=SEED):
    """{name: float32 array}: LeCun normal weights (std sqrt(1 / fan_in)), zero biases."""
    rs = numpy.random.RandomState(seed)
    params = {}
    for name, shape in param_shapes(spec):
        if name.endswith('/b'):
            params[name] = numpy.zeros(shape, numpy.float32)
        else:
            fan_in = int(numpy.prod(shape[1:]))
            w = rs.standard_normal(shape) * numpy.sqrt(1.0 / fan_in)
            params[name] = w.astype(numpy.float32)
    return params


def make_batch(spec, seed=SEED):
    """(x, t): float32 inputs in [0, 1) of shape (batch,) + input, int32 labels 0..9."""
    rs = numpy.random.RandomState(seed + 1)
    x = rs.random_sample((spec['batch'],) + spec['input']).astype(numpy.float32)
    t = rs.randint(0, 10, spec['batch']).astype(numpy.int32)
    return x, t


def checksum(params):
    """A hash of the initial weights' names and bytes (every framework must agree)."""
    h = hashlib.sha1()
    for name, a in params.items():
        h.update(name.encode())
        h.update(numpy.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def describe(spec):
    """One line: the net, the loss, the optimizer and the batch."""
    net = spec['net']
    if net['kind'] == 'lstm':
        body = (f"LSTM cell in {net['n_in']}, hidden {net['n_hidden']}, "
                f"{net['steps']} steps, Linear({net['n_out']})")
    else:
        body = ' '.join(_layer_text(layer) for layer in net['layers'])
    name, hp = spec['optimizer']
    hp_text = ', '.join(f'{k}={v}' for k, v in hp.items())
    return f"{body}; {spec['loss']}; {name}({hp_text}); batch {spec['batch']}"


def _layer_text(layer):
    if layer[0] == 'linear':
        return f'Linear({layer[1]},{layer[2]})'
    if layer[0] == 'conv':
        return f'Conv({layer[1]},{layer[2]},{layer[3]})'
    if layer[0] == 'maxpool':
        return f'MaxPool({layer[1]}/{layer[2]})'
    return layer[0]

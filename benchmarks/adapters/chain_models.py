"""The models written once against Chainer's API, for Chainer 7 and for chainfuse.

``build(ch, spec, params)`` takes the framework module itself (``chainer`` or
``chainfuse``, which runs Chainer code unchanged) and returns a Chain whose call
``model(x, t)`` returns the loss, with the given initial weights copied in.  The
same source therefore defines the model in both frameworks: same links, same
functions, same order of operations.
"""
import numpy

from benchmarks.adapters.base import Adapter
from benchmarks.specs import GELU_A, GELU_C


def gelu_tanh(F, x):
    """GELU, tanh form, from elementwise primitives (see `benchmarks.specs`)."""
    return 0.5 * x * (1.0 + F.tanh(GELU_C * (x + GELU_A * x * x * x)))


def apply_layer(F, layer, link, x):
    kind = layer[0]
    if kind in ('linear', 'conv'):
        return link(x)
    if kind == 'relu':
        return F.relu(x)
    if kind == 'tanh':
        return F.tanh(x)
    if kind == 'gelu_tanh':
        return gelu_tanh(F, x)
    if kind == 'maxpool':
        return F.max_pooling_2d(x, layer[1], stride=layer[2], cover_all=False)
    if kind == 'flatten':
        return F.reshape(x, (x.shape[0], -1))
    raise ValueError(f'unknown layer {layer!r}')


def loss_of(F, kind, y, t):
    if kind == 'softmax_ce':
        return F.softmax_cross_entropy(y, t)
    if kind == 'log_softmax_nll':
        return -F.sum(F.select_item(F.log_softmax(y), t)) / y.shape[0]
    raise ValueError(f'unknown loss {kind!r}')


def build(ch, spec, params):
    """The model of `spec` in framework `ch` (module), initialised from `params`."""
    if spec['net']['kind'] == 'lstm':
        model = _lstm_class(ch)(spec)
    else:
        model = _sequential_class(ch)(spec)
    for name, p in model.namedparams():
        p.array[...] = params[name.lstrip('/')]
    return model


def _sequential_class(ch):
    F, L = ch.functions, ch.links

    class Sequential(ch.Chain):
        def __init__(self, spec):
            super().__init__()
            self.layers = spec['net']['layers']
            self.loss_kind = spec['loss']
            with self.init_scope():
                for i, layer in enumerate(self.layers):
                    if layer[0] == 'linear':
                        setattr(self, f'l{i}', L.Linear(layer[1], layer[2]))
                    elif layer[0] == 'conv':
                        setattr(self, f'l{i}', L.Convolution2D(layer[1], layer[2], layer[3]))

        def forward(self, x, t):
            for i, layer in enumerate(self.layers):
                x = apply_layer(F, layer, getattr(self, f'l{i}', None), x)
            return loss_of(F, self.loss_kind, x, t)

    return Sequential


def _lstm_class(ch):
    F, L = ch.functions, ch.links

    class LSTMNet(ch.Chain):
        def __init__(self, spec):
            super().__init__()
            net = spec['net']
            self.n, self.steps = net['n_hidden'], net['steps']
            self.loss_kind = spec['loss']
            with self.init_scope():
                self.gates = L.Linear(net['n_in'] + self.n, 4 * self.n)
                self.out = L.Linear(self.n, net['n_out'])

        def forward(self, xs, t):
            # chainfuse's tracer cannot follow numpy indexing of an array argument
            # (graph break), so index the Variable; Chainer does the same thing
            xs = ch.as_variable(xs)
            h = ch.Variable(numpy.zeros((xs.shape[0], self.n), 'float32'))
            c = ch.Variable(numpy.zeros((xs.shape[0], self.n), 'float32'))
            for s in range(self.steps):
                z = self.gates(F.concat((xs[:, s], h), axis=1))
                i, f, o, g = F.split_axis(z, 4, axis=1)
                c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
                h = F.sigmoid(o) * F.tanh(c)
            return loss_of(F, self.loss_kind, self.out(h), t)

    return LSTMNet


def make_optimizer(ch, spec):
    """The optimizer of `spec` in framework `ch`, with Chainer's hyperparameter names."""
    name, hp = spec['optimizer']
    if name == 'adam':
        return ch.optimizers.Adam(**hp)
    if name == 'sgd':
        return ch.optimizers.SGD(**hp)
    if name == 'adagrad':
        return ch.optimizers.AdaGrad(**hp)
    raise ValueError(f'unknown optimizer {name!r}')


class ChainAdapter(Adapter):
    """An adapter for a framework with Chainer's API (`ch`, set by `setup`): the model
    of `build`, its optimizer, and ``optimizer.update(model, x, t)`` as the step."""

    def setup_chain(self, ch, spec, params, x, t, prepare=lambda model: model):
        self.model = prepare(build(ch, spec, params))
        self.opt = make_optimizer(ch, spec)
        self.opt.setup(self.model)
        self.x, self.t = x, t

    def step(self):
        self.opt.update(self.model, self.x, self.t)

    def step_loss(self):
        losses = []

        def lossfun(x, t):
            losses.append(self.model(x, t))
            return losses[-1]
        self.opt.update(lossfun, self.x, self.t)
        return float(losses[0].array)

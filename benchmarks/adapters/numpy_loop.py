"""``numpy``: a hand-written NumPy training loop, the practical lower bound of a numpy
runtime: every buffer is allocated once and reused with ``out=`` and in-place ops.

The layers are in `numpy_layers` and `numpy_conv`, the LSTM in `numpy_lstm`, the
update rules (Chainer's formulas) in `numpy_optim`.  The first layer never
computes the gradient of the input.
"""
from benchmarks.adapters import numpy_optim
from benchmarks.adapters.base import Adapter


def _layer(layer, i, params, first):
    from benchmarks.adapters import numpy_conv as C
    from benchmarks.adapters import numpy_layers as N
    kind = layer[0]
    if kind == 'linear':
        return N.Linear(params[f'l{i}/W'], params[f'l{i}/b'], need_gx=not first)
    if kind == 'conv':
        return C.Conv(params[f'l{i}/W'], params[f'l{i}/b'], need_gx=not first)
    if kind == 'maxpool':
        return C.MaxPool(layer[1], layer[2])
    simple = {'relu': N.ReLU, 'tanh': N.Tanh, 'gelu_tanh': N.GeluTanh, 'flatten': N.Flatten}
    return simple[kind]()


class Sequential:
    def __init__(self, params, layers):
        self.layers = [_layer(layer, i, params, i == 0) for i, layer in enumerate(layers)]

    def params(self):
        return [pair for layer in self.layers for pair in layer.params()]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, gy):
        for layer in reversed(self.layers):
            gy = layer.backward(gy)


class NumpyLoop(Adapter):
    framework = 'numpy'

    def setup(self, spec, params, x, t):
        from benchmarks.adapters.numpy_layers import SoftmaxCrossEntropy
        from benchmarks.adapters.numpy_lstm import LSTMNet
        params = {k: a.copy() for k, a in params.items()}
        net = spec['net']
        if net['kind'] == 'lstm':
            self.net = LSTMNet(params, net, spec['batch'])
        else:
            self.net = Sequential(params, net['layers'])
        self.loss = SoftmaxCrossEntropy()
        self.opt = numpy_optim.make(spec, self.net.params())
        self.x, self.t = x, t

    def step_loss(self):
        loss = self.loss.forward(self.net.forward(self.x), self.t)
        self.net.backward(self.loss.gy)
        self.opt.update()
        return loss

    step = step_loss

    def info(self):
        from benchmarks.machine import numpy_info
        return numpy_info()

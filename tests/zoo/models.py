"""The test zoo: small versions of the models users train, written as Chainer users
write them (used by the tracer, compiler and runtime tests)."""
import numpy

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L


class MLP(chainer.Chain):
    """The MNIST MLP of the seed tutorial (lazy input sizes)."""

    def __init__(self, n_units=16, n_out=10):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(None, n_units)
            self.l3 = L.Linear(None, n_out)

    def forward(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)


class SeedCNN(chainer.Chain):
    """The seed CNN (old-style Chain kwargs, __call__, x.data.reshape on the input)."""

    def __init__(self):
        super(SeedCNN, self).__init__(
            conv1=L.Convolution2D(1, 4, 3, stride=1),
            conv2=L.Convolution2D(4, 6, 3, stride=1),
            l1=L.Linear(None, 16),
            l2=L.Linear(None, 10),
        )

    def __call__(self, x):
        x_4d = x.data.reshape(len(x.data), 1, 10, 10)
        h = F.relu(self.conv1(x_4d))
        h = F.max_pooling_2d(h, 2, stride=1)
        h = F.relu(self.conv2(h))
        h = F.max_pooling_2d(h, 2, stride=1)
        h = F.relu(self.l1(h))
        return self.l2(h)


class LeNet(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.c1 = L.Convolution2D(1, 4, 3)
            self.c2 = L.Convolution2D(4, 6, 3)
            self.f1 = L.Linear(None, 16)
            self.f2 = L.Linear(16, 10)

    def forward(self, x):
        h = F.max_pooling_2d(F.tanh(self.c1(x)), 2, 2)
        h = F.max_pooling_2d(F.tanh(self.c2(h)), 2, 2)
        return self.f2(F.tanh(self.f1(h)))


class DropoutMLP(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 16)
            self.l2 = L.Linear(None, 10)

    def forward(self, x):
        return self.l2(F.dropout(F.relu(self.l1(x)), 0.5))


class BNMLP(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 16, nobias=True)  # BN's beta is the bias
            self.bn = L.BatchNormalization(16)
            self.l2 = L.Linear(None, 10)

    def forward(self, x):
        return self.l2(F.relu(self.bn(self.l1(x))))


class LSTMCellLoop(chainer.Chain):
    """A hand-written LSTM cell unrolled over the time axis of the input."""

    def __init__(self, n_in=8, n_hidden=12, n_out=10):
        super().__init__()
        self.n_hidden = n_hidden
        with self.init_scope():
            self.gates = L.Linear(n_in + n_hidden, 4 * n_hidden)
            self.out = L.Linear(n_hidden, n_out)

    def forward(self, xs):
        batch, steps, _ = xs.shape
        xp = self.xp
        h = chainer.Variable(xp.zeros((batch, self.n_hidden), 'float32'))
        c = chainer.Variable(xp.zeros((batch, self.n_hidden), 'float32'))
        for s in range(steps):
            z = self.gates(F.concat((xs[:, s], h), axis=1))
            i, f, o, g = F.split_axis(z, 4, axis=1)
            c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
            h = F.sigmoid(o) * F.tanh(c)
        return self.out(h)


class DataDependentIf(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 10)

    def forward(self, x):
        h = self.l1(x)
        if F.sum(h).array > 0:  # DATA-DEPENDENT IF
            return F.relu(h)
        return F.tanh(h)


def inputs_for(name, batch=4, seed=0):
    rng = numpy.random.default_rng(seed)
    if name == 'SeedCNN':
        x = rng.random((batch, 100), dtype='float32')
    elif name == 'LeNet':
        x = rng.random((batch, 1, 12, 12), dtype='float32')
    elif name == 'LSTMCellLoop':
        x = rng.standard_normal((batch, 3, 8)).astype('float32')
    else:
        x = rng.standard_normal((batch, 12)).astype('float32')
    t = rng.integers(0, 10, batch).astype('int32')
    return x, t


ZOO = {cls.__name__: cls for cls in
       (MLP, SeedCNN, LeNet, DropoutMLP, BNMLP, LSTMCellLoop, DataDependentIf)}

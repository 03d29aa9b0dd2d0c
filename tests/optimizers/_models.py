"""Small models for optimizer tests, built only from Link, Parameter and registry ops
(so they do not depend on which F.* functions exist)."""
import numpy

import chainfuse.functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Chain, Link


class Dense(Link):
    """``x @ W.T + b`` with W initialized from `rng` (or lazily, like L.Linear(None, n))."""

    def __init__(self, n_in, n_out, rng=None):
        super().__init__()
        self.n_out = n_out
        with self.init_scope():
            self.W = Parameter(initializers.LeCunNormal())
            self.b = Parameter(numpy.zeros(n_out, numpy.float32))
        if n_in is not None:
            self.W.array = (rng.standard_normal((n_out, n_in)) / numpy.sqrt(n_in)).astype(
                numpy.float32)

    def forward(self, x):
        if not self.W.is_initialized:
            self.W.initialize((self.n_out, x.shape[1]))
        return x @ self.W.T + self.b


class MLP(Chain):
    def __init__(self, n_in=4, n_hidden=8, n_out=1, seed=0):
        super().__init__()
        rng = numpy.random.default_rng(seed)
        with self.init_scope():
            self.l1 = Dense(n_in, n_hidden, rng)
            self.l2 = Dense(n_hidden, n_out, rng)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


class Single(Link):
    """One parameter ``w`` holding `value` (for step-by-step reference checks)."""

    def __init__(self, value):
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.array(value))


def regression_data(n=32, n_in=4, seed=1):
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((n, n_in)).astype(numpy.float32)
    t = numpy.tanh(x @ rng.standard_normal((n_in, 1))).astype(numpy.float32)
    return x, t


def mse(model, x, t):
    d = model(x) - t
    return F.sum(d * d) / len(x)


def params_of(link):
    return {name: p.array.copy() for name, p in link.namedparams()}

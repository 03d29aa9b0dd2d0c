"""The Links part of the Chainer introduction tutorial (shared/seeds/001), run as written
with ``import chainfuse as chainer``, and a check against a file written by Chainer 7."""
import os

import numpy as np
import pytest

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import Variable
from chainfuse.links import Chain, ChainList

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7', 'mlp_trace.npz')


class MyChain(Chain):
    def __init__(self):
        super(MyChain, self).__init__()
        with self.init_scope():
            self.l1 = L.Linear(4, 3)
            self.l2 = L.Linear(3, 2)

    def __call__(self, x):
        h = self.l1(x)
        return self.l2(h)


class MyChain2(ChainList):
    def __init__(self):
        super(MyChain2, self).__init__(
            L.Linear(4, 3),
            L.Linear(3, 2),
        )

    def __call__(self, x):
        h = self[0](x)
        return self[1](h)


class MLP(Chain):
    def __init__(self, n_units, n_out):
        super(MLP, self).__init__()
        with self.init_scope():
            # the size of the inputs to each layer will be inferred
            self.l1 = L.Linear(None, n_units)  # n_in -> n_units
            self.l2 = L.Linear(None, n_units)  # n_units -> n_units
            self.l3 = L.Linear(None, n_out)    # n_units -> n_out

    def __call__(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        y = self.l3(h2)
        return y


def test_linear_parameters():
    f = L.Linear(3, 2)
    assert f.W.data.shape == (2, 3) and f.W.data.dtype == np.float32
    np.testing.assert_array_equal(f.b.data, np.array([0., 0.], dtype=np.float32))


def test_linear_call_and_lazy_input_size():
    f = L.Linear(3, 2)
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = f(x)
    assert y.data.shape == (2, 2)
    g = L.Linear(2)
    p = g(x)
    assert p.shape == (2, 2) and g.W.shape == (2, 3)
    g.cleargrads()
    g.grad = np.ones((2, 2), dtype=np.float32)  # (as in the tutorial: a plain attribute)
    assert g.W.grad is None and g.b.grad is None


@pytest.mark.parametrize('cls', [MyChain, MyChain2])
def test_my_chains_compute_and_backprop(cls):
    model = cls()
    x = np.random.uniform(-1, 1, (2, 4)).astype('f')
    model.cleargrads()
    loss = F.sum(model(chainer.Variable(x)))
    loss.backward()
    assert loss.shape == ()
    assert all(p.grad is not None for p in model.params())
    prefix = '/l' if cls is MyChain else '/'
    expected = [f'{prefix}{i}/{p}' for i in ((1, 2) if cls is MyChain else (0, 1))
                for p in ('W', 'b')]
    assert [n for n, _ in model.namedparams()] == expected


def test_my_chain_matches_numpy():
    model = MyChain()
    x = np.random.uniform(-1, 1, (2, 4)).astype('f')
    h = x @ model.l1.W.data.T + model.l1.b.data
    np.testing.assert_allclose(model(x).data, h @ model.l2.W.data.T + model.l2.b.data,
                               rtol=1e-5, atol=1e-6)


def test_classifier_of_mlp_reproduces_chainer_loss():
    """Chainer 7.8.1 computed this loss and accuracy with these initial parameters."""
    ref = np.load(DATA)
    x, t = ref['xs'][0], ref['ts'][0]
    model = L.Classifier(MLP(100, 10))  # the input size, 784, is inferred
    model(x, t)
    params = dict(model.namedparams())
    assert sorted(params) == sorted('/' + k[len('init__'):].replace('__', '/')
                                    for k in ref.files if k.startswith('init__'))
    for name, p in params.items():
        p.data[...] = ref['init' + name.replace('/', '__')]
    loss = model(x, t)  # Chainer's first Adam step computed this loss before updating
    assert float(loss.data) == pytest.approx(float(ref['losses'][0]), rel=1e-5)
    assert float(model.accuracy.data) == pytest.approx(float(ref['accs'][0]))

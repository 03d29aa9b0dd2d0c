"""After the same ``numpy.random.seed``, chainfuse draws what Chainer 7.8.1 draws.

The fixture is written by tests/data/chainer7/make_rng_fixture.py under Chainer 7.8.1;
every comparison is bit for bit."""
import os

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.initializers as I
import chainfuse.links as L
from chainfuse import iterators

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7')


@pytest.fixture(scope='module')
def fixture():
    with numpy.load(os.path.join(DATA, 'rng_fixture.npz')) as f:
        return {k: f[k] for k in f.files}


def assert_params(fixture, prefix, link):
    names = sorted(name for name, _ in link.namedparams())
    assert names and all(prefix + n.replace('/', '__') in fixture for n in names)
    for name, p in link.namedparams():
        expected = fixture[prefix + name.replace('/', '__')]
        assert p.array.dtype == expected.dtype
        numpy.testing.assert_array_equal(p.array, expected, err_msg=prefix + name)


def test_linear_and_lazy_linear(fixture):
    numpy.random.seed(0)
    assert_params(fixture, 'linear', L.Linear(3, 4))
    numpy.random.seed(1)
    lazy = L.Linear(None, 5)
    lazy(numpy.zeros((2, 7), numpy.float32))
    assert_params(fixture, 'linear_lazy', lazy)


def test_convolution_2d_and_lazy(fixture):
    numpy.random.seed(2)
    assert_params(fixture, 'conv', L.Convolution2D(3, 8, ksize=3))
    numpy.random.seed(3)
    lazy = L.Convolution2D(None, 4, 3, stride=2, pad=1)
    lazy(numpy.zeros((1, 2, 5, 5), numpy.float32))
    assert_params(fixture, 'conv_lazy', lazy)


@pytest.mark.parametrize('i,name,init', [
    (0, 'normal', lambda: I.Normal(0.2)), (1, 'uniform', lambda: I.Uniform(0.3)),
    (2, 'glorot_uniform', I.GlorotUniform), (3, 'glorot_normal', I.GlorotNormal),
    (4, 'he_normal', I.HeNormal), (5, 'he_uniform', I.HeUniform),
    (6, 'lecun_uniform', I.LeCunUniform)])
def test_initializers(fixture, i, name, init):
    numpy.random.seed(10 + i)
    assert_params(fixture, 'init_' + name, L.Linear(6, 5, initialW=init()))


def test_compiled_lazy_model_gets_chainers_weights(fixture):
    """A lazy Linear created inside the first (traced) call of a compiled model draws
    from numpy's generator once, as the eager call does."""
    numpy.random.seed(1)
    lazy = chainfuse.compile(L.Linear(None, 5))
    lazy(numpy.zeros((2, 7), numpy.float32))
    assert_params(fixture, 'linear_lazy', lazy)


def test_mlp_classifier_of_the_serializer_fixture():
    """tests/data/chainer7/README.md: np.random.seed(0), L.Classifier(MLP(100, 10)) with
    three lazy L.Linear, initialized by the first call."""
    with numpy.load(os.path.join(DATA, 'mlp_trace.npz')) as f:
        trace = {k: f[k] for k in f.files}

    class MLP(chainfuse.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(None, 100)
                self.l2 = L.Linear(None, 100)
                self.l3 = L.Linear(None, 10)

        def forward(self, x):
            return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))

    numpy.random.seed(0)
    model = L.Classifier(MLP())
    model(trace['xs'][0], trace['ts'][0])
    for name, p in model.namedparams():
        numpy.testing.assert_array_equal(p.array, trace['init' + name.replace('/', '__')])


def test_serial_iterator_shuffles_like_chainer(fixture):
    numpy.random.seed(4)
    it = iterators.SerialIterator(list(range(7)), 3)
    model = L.Linear(4, 3)   # drawn after the iterator's first order, as in Chainer
    batches = numpy.array([it.next() for _ in range(8)])
    numpy.testing.assert_array_equal(batches, fixture['serial_batches'])
    assert_params(fixture, 'serial_then_linear', model)


def test_multithread_iterator_draws_like_chainer(fixture):
    numpy.random.seed(5)
    with iterators.MultithreadIterator(list(range(7)), 3, n_threads=2) as it:
        batches = numpy.array([it.next() for _ in range(8)])
    numpy.testing.assert_array_equal(batches, fixture['multithread_batches'])

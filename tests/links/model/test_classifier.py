import numpy
import pytest

import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import reporter as reporter_module
from chainfuse.core.variable import Parameter, Variable, as_variable


class Fixed(L.Link):
    """A predictor returning x @ W with W fixed to the identity."""

    def __init__(self, n):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(numpy.eye(n, dtype=numpy.float32))

    def forward(self, x):
        return as_variable(x) @ self.W


def data():
    x = numpy.array([[3, 0, 0], [0, 3, 0], [0, 0, 3], [3, 0, 0]], numpy.float32)
    t = numpy.array([0, 1, 0, 0], numpy.int32)
    return x, t


def test_custom_functions_and_attributes():
    calls = []

    def lossfun(y, t):
        calls.append('loss')
        return F.sum(y)

    def accfun(y, t):
        calls.append('acc')
        return F.sum(y) * 0.0

    model = L.Classifier(Fixed(3), lossfun=lossfun, accfun=accfun)
    x, t = data()
    loss = model(x, t)
    assert calls == ['loss', 'acc'] and model.loss is loss
    assert model.y.shape == (4, 3) and float(loss.array) == 12
    assert [n for n, _ in model.namedparams()] == ['/predictor/W']
    model.compute_accuracy = False
    model(x, t)
    assert calls == ['loss', 'acc', 'loss'] and model.accuracy is None


def test_label_key():
    seen = []
    model = L.Classifier(lambda_predictor(), lossfun=lambda y, t: seen.append(t) or F.sum(y),
                         accfun=lambda y, t: F.sum(y), label_key='t')
    x, t = data()
    model(x=x, t=t)
    assert seen[0] is t
    model0 = L.Classifier(Fixed(3), lossfun=lambda y, t: seen.append(t) or F.sum(y),
                          accfun=lambda y, t: F.sum(y), label_key=0)
    model0(t, x)
    assert seen[1] is t
    with pytest.raises(ValueError, match='out of bounds'):
        L.Classifier(Fixed(3), lossfun=F.sum, accfun=F.sum, label_key=5)(x, t)
    with pytest.raises(TypeError, match='label_key'):
        L.Classifier(Fixed(3), lossfun=F.sum, accfun=F.sum, label_key=1.5)


def lambda_predictor():
    class P(L.Chain):
        def forward(self, x):
            return as_variable(x)
    return P()


def test_reports_loss_and_accuracy_under_the_observer_name():
    reporter_mod = reporter_module
    model = L.Classifier(Fixed(3))
    assert model.lossfun is F.softmax_cross_entropy and model.accfun is F.accuracy
    reporter = reporter_mod.Reporter()
    reporter.add_observer('main', model)
    observation = {}
    x, t = data()
    with reporter.scope(observation):
        loss = model(x, t)
    assert set(observation) >= {'main/loss', 'main/accuracy'}
    assert float(observation['main/accuracy'].array if hasattr(observation['main/accuracy'],
                 'array') else observation['main/accuracy']) == pytest.approx(0.75)
    z = x - x.max(1, keepdims=True)
    logp = z - numpy.log(numpy.exp(z).sum(1, keepdims=True))
    assert float(loss.array) == pytest.approx(-logp[numpy.arange(4), t].mean(), rel=1e-5)
    assert float(model.accuracy.array) == pytest.approx(0.75)


def test_array_inputs_reach_the_predictor_as_variables():

    class V1Style(L.Chain):
        def __call__(self, x):
            return Variable(x.data.reshape(len(x.data), 3))  # Chainer v1 predictors do this

    model = L.Classifier(V1Style(), lossfun=lambda y, t: F.sum(y), accfun=lambda y, t: F.sum(y))
    x, t = data()
    assert float(model(x, t).array) == float(x.sum())

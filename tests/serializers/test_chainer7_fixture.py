"""Compatibility with files written by Chainer 7.8.1 (tests/data/chainer7/README.md).

The fixture trained ``L.Classifier(MLP(100, 10))`` for 5 Adam steps.  Replaying those
steps from the same initial parameters must give the same losses, and our save_npz
of the model and the optimizer must have the keys Chainer's has (and load them)."""
import os

import numpy
import pytest

import chainfuse.functions as F
from chainfuse import optimizers, serializers
from chainfuse.links.link import Chain
from chainfuse.ops import elementwise as E

from tests.optimizers._models import Dense

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7')


def _load(name):
    with numpy.load(os.path.join(DATA, name)) as f:
        return {k: f[k] for k in f.files}


class MLP(Chain):
    """The fixture's MLP, with layers built from registry ops only."""

    def __init__(self, n_units, n_out):
        super().__init__()
        with self.init_scope():
            self.l1 = Dense(None, n_units)
            self.l2 = Dense(None, n_units)
            self.l3 = Dense(None, n_out)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class Classifier(Chain):
    """Softmax cross entropy composed from ops (the logits here are small)."""

    def __init__(self, predictor):
        super().__init__()
        with self.init_scope():
            self.predictor = predictor

    def forward(self, x, t):
        y = self.predictor(x)
        onehot = numpy.eye(y.shape[1], dtype=numpy.float32)[t]
        log_z = E.log(F.sum(E.exp(y), axis=1, keepdims=True))
        return -F.sum((y - log_z) * onehot) / y.shape[0]


def _replay(model, loss_of):
    trace = _load('mlp_trace.npz')
    model(trace['xs'][0], trace['ts'][0])  # lazy initialization, as in the fixture
    for name, p in model.namedparams():
        p.array[...] = trace['init' + name.replace('/', '__')]
    opt = optimizers.Adam().setup(model)
    losses = []
    for i in range(5):
        opt.update(model, trace['xs'][i], trace['ts'][i])
        losses.append(loss_of(model))
    return opt, numpy.array(losses), trace['losses']


def _check_against_fixture(model, opt, losses, expected, tmp_path):
    numpy.testing.assert_allclose(losses, expected, rtol=1e-5)
    ref = _load('mlp_classifier.npz')
    params = {name.lstrip('/'): p.array for name, p in model.namedparams()}
    assert sorted(params) == sorted(ref)
    for key in ref:
        numpy.testing.assert_allclose(params[key], ref[key], atol=2e-5, err_msg=key)

    serializers.save_npz(tmp_path / 'model.npz', model)
    serializers.save_npz(tmp_path / 'adam.npz', opt)
    ours_model, ours_opt = numpy.load(tmp_path / 'model.npz'), numpy.load(tmp_path / 'adam.npz')
    ref_opt = _load('mlp_adam.npz')
    with ours_model, ours_opt:
        assert sorted(ours_model.files) == sorted(ref)
        assert sorted(ours_opt.files) == sorted(ref_opt)
        for key in ref_opt:
            assert ours_opt[key].dtype == ref_opt[key].dtype, key
            numpy.testing.assert_allclose(ours_opt[key], ref_opt[key], rtol=1e-4, atol=1e-8,
                                          err_msg=key)


def test_replaying_the_fixture_gives_chainers_losses(tmp_path):
    model = Classifier(MLP(100, 10))
    trace = _load('mlp_trace.npz')
    step = iter(range(5))

    def loss_of(m):
        i = next(step)
        return float(m(trace['xs'][i], trace['ts'][i]).array)

    # the loss Chainer recorded at step i is the one computed before update i
    model(trace['xs'][0], trace['ts'][0])
    for name, p in model.namedparams():
        p.array[...] = trace['init' + name.replace('/', '__')]
    opt = optimizers.Adam().setup(model)
    losses = []
    for i in range(5):
        losses.append(loss_of(model))
        opt.update(model, trace['xs'][i], trace['ts'][i])
    _check_against_fixture(model, opt, numpy.array(losses), trace['losses'], tmp_path)


def test_chainer_files_load_into_a_fresh_model_and_optimizer():
    model = Classifier(MLP(100, 10))
    serializers.load_npz(os.path.join(DATA, 'mlp_classifier.npz'), model)  # lazy params
    ref = _load('mlp_classifier.npz')
    for name, p in model.namedparams():
        numpy.testing.assert_array_equal(p.array, ref[name.lstrip('/')])
    opt = optimizers.Adam().setup(model)
    serializers.load_npz(os.path.join(DATA, 'mlp_adam.npz'), opt)
    ref_opt = _load('mlp_adam.npz')
    assert opt.t == 5 and opt.epoch == 0
    rule = model.predictor.l1.W.update_rule
    assert rule.t == 5
    numpy.testing.assert_array_equal(rule.state['m'], ref_opt['predictor/l1/W/m'])
    numpy.testing.assert_array_equal(rule.state['v'], ref_opt['predictor/l1/W/v'])
    # and training goes on from there
    trace = _load('mlp_trace.npz')
    opt.update(model, trace['xs'][0], trace['ts'][0])
    assert opt.t == 6 and rule.t == 6


def _real_links_available():
    return all(hasattr(F, name) for name in ('linear', 'softmax_cross_entropy', 'accuracy'))


@pytest.mark.skipif(not _real_links_available(),
                    reason='needs F.linear, F.softmax_cross_entropy and F.accuracy')
def test_with_real_linear_and_classifier_links(tmp_path):
    import chainfuse.links as L

    class RealMLP(Chain):
        def __init__(self, n_units, n_out):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(None, n_units)
                self.l2 = L.Linear(None, n_units)
                self.l3 = L.Linear(None, n_out)

        def forward(self, x):
            return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))

    model = L.Classifier(RealMLP(100, 10))
    opt, losses, expected = _replay(model, lambda m: float(m.loss.array))
    _check_against_fixture(model, opt, losses, expected, tmp_path)
    accs = _load('mlp_trace.npz')['accs']
    assert float(model.accuracy.array) == pytest.approx(accs[-1])

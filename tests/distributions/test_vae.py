"""The loss of Chainer's VAE example (examples/vae/net.py), eagerly and compiled.

The model below follows the example's structure in our words: the encoder returns
``Independent(Normal(mu, log_scale=ln_sigma))``, the decoder
``Independent(Bernoulli(logit=h), 1)`` over two batch axes (k samples x batch), the prior
``Independent(Normal(loc, scale=scale), 1)`` from persistent arrays, and the loss is
``-(mean(log p(x|z)) - beta * mean(KL(q(z|x) || p(z))))`` with z drawn by
``q_z.sample(k)``, reported with `chainfuse.report`.  Compiled (default backend) it must
equal eager under the same seed -- loss, reports, gradients and Adam steps -- and draw
a fresh z on every call.
"""
import copy

import numpy
import pytest

import chainfuse as chainer
import chainfuse.distributions as D
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import reporter

N_IN, N_LATENT, N_H, BATCH = 12, 3, 8, 6


class AvgELBOLoss(chainer.Chain):
    def __init__(self, encoder, decoder, prior, beta=1.0, k=2):
        super().__init__()
        self.beta, self.k = beta, k
        with self.init_scope():
            self.encoder, self.decoder, self.prior = encoder, decoder, prior

    def __call__(self, x):
        q_z = self.encoder(x)
        z = q_z.sample(self.k)
        p_x = self.decoder(z)
        p_z = self.prior()
        reconstr = F.mean(p_x.log_prob(F.broadcast_to(x[None, :], (self.k,) + x.shape)))
        kl_penalty = F.mean(chainer.kl_divergence(q_z, p_z))
        loss = -(reconstr - self.beta * kl_penalty)
        reporter.report({'loss': loss, 'reconstr': reconstr, 'kl_penalty': kl_penalty}, self)
        return loss


class Encoder(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.linear = L.Linear(N_IN, N_H)
            self.mu = L.Linear(N_H, N_LATENT)
            self.ln_sigma = L.Linear(N_H, N_LATENT)

    def forward(self, x):
        h = F.tanh(self.linear(x))
        return D.Independent(D.Normal(loc=self.mu(h), log_scale=self.ln_sigma(h)))


class Decoder(chainer.Chain):
    def __init__(self, binary_check=False):
        super().__init__()
        self.binary_check = binary_check
        with self.init_scope():
            self.linear = L.Linear(N_LATENT, N_H)
            self.output = L.Linear(N_H, N_IN)

    def forward(self, z, inference=False):
        n_batch_axes = 1 if inference else 2
        h = F.tanh(self.linear(z, n_batch_axes=n_batch_axes))
        h = self.output(h, n_batch_axes=n_batch_axes)
        return D.Independent(D.Bernoulli(logit=h, binary_check=self.binary_check),
                             reinterpreted_batch_ndims=1)


class Prior(chainer.Link):
    def __init__(self):
        super().__init__()
        self.loc = numpy.zeros(N_LATENT, numpy.float32)
        self.scale = numpy.ones(N_LATENT, numpy.float32)
        self.register_persistent('loc')
        self.register_persistent('scale')

    def forward(self):
        return D.Independent(D.Normal(self.loc, scale=self.scale), reinterpreted_batch_ndims=1)


def _model(seed=0, binary_check=False):
    chainer.set_random_seed(seed)
    return AvgELBOLoss(Encoder(), Decoder(binary_check), Prior())


def _data(i):
    rng = numpy.random.RandomState(10 + i)
    return (rng.uniform(0, 1, (BATCH, N_IN)) > 0.5).astype(numpy.float32)


def _call(model, x, seed):
    chainer.set_random_seed(seed)
    model.cleargrads()
    observation = {}
    r = chainer.Reporter()
    r.add_observer('main', model)
    with r.scope(observation):
        loss = model(x)
    loss.backward()
    grads = {name: p.grad.copy() for name, p in model.namedparams()}
    reports = {k: float(v.array) for k, v in observation.items() if k.startswith('main/')}
    return loss.array.copy(), reports, grads


@pytest.mark.parametrize('binary_check', [False, True])
def test_vae_loss_compiled_equals_eager_and_draws_fresh_z(binary_check):
    eager = _model(binary_check=binary_check)
    compiled = chainer.compile(copy.deepcopy(eager), fallback='raise')
    losses = []
    for i, seed in enumerate((1, 2, 1)):
        want, got = _call(eager, _data(0), seed), _call(compiled, _data(0), seed)
        numpy.testing.assert_allclose(got[0], want[0], rtol=1e-5)
        assert got[1].keys() == want[1].keys() and len(got[1]) == 3
        for k in want[1]:
            assert got[1][k] == pytest.approx(want[1][k], rel=1e-5), k
        for name in want[2]:
            numpy.testing.assert_allclose(got[2][name], want[2][name], rtol=1e-4, atol=1e-6,
                                          err_msg=name)
        losses.append(got[0])
    assert losses[0] != losses[1], 'a different seed must draw a different z'
    assert losses[0] == losses[2]
    assert compiled._chainfuse_compiled.stats['compiled_calls'] == 3


def test_vae_training_steps_compiled_equal_eager():
    m_eager = _model()
    m_step = copy.deepcopy(m_eager)
    o_eager, o_step = chainer.optimizers.Adam(), chainer.optimizers.Adam()
    o_eager.setup(m_eager)
    o_step.setup(m_step)
    step = chainer.compile_step(o_step, fallback='raise')
    for i in range(4):
        chainer.set_random_seed(100 + i)
        o_eager.update(m_eager, _data(i))
        chainer.set_random_seed(100 + i)
        step(_data(i))
    for (name, a), (_, b) in zip(sorted(m_eager.namedparams()), sorted(m_step.namedparams())):
        numpy.testing.assert_allclose(b.array, a.array, rtol=1e-5, atol=1e-6, err_msg=name)
    assert step.stats['compiled_calls'] >= 3


def test_vae_decoder_mean_and_prior_samples_for_images():
    """What the example's save_images does after training: decoder means of encoder
    means, and decoder means of prior samples."""
    model = _model()
    x = _data(0)
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        z = model.encoder(x).mean
        y = model.decoder(z, inference=True).mean
        assert y.shape == x.shape and numpy.all((y.array > 0) & (y.array < 1))
        z = model.prior().sample(9)
        assert z.shape == (9, N_LATENT)
        assert model.decoder(z, inference=True).mean.shape == (9, N_IN)

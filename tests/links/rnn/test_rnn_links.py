"""Recurrent links: what the Chainer parity cases do not show (tests/test_chainer7_parity.py
compares their numbers with Chainer's): sequence order, parameter names, state handling,
argument errors, dropout between layers."""
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L

RNG = numpy.random.default_rng(0)


def _seqs(*lengths, size=4):
    return [RNG.uniform(-1, 1, (n, size)).astype(numpy.float32) for n in lengths]


def test_nstep_lstm_has_chainers_parameter_names_and_shapes():
    link = L.NStepBiLSTM(2, 4, 3, 0.0)
    shapes = {name: p.shape for name, p in link.namedparams()}
    assert shapes['/0/w0'] == (3, 4) and shapes['/0/w4'] == (3, 3)
    assert shapes['/2/w0'] == (3, 6) and shapes['/3/b7'] == (3,)
    assert len(shapes) == 4 * 16
    numpy.testing.assert_array_equal(link[1].b3.array, 0.0)


def test_nstep_results_follow_the_callers_order_of_sequences():
    link = L.NStepGRU(1, 4, 3, 0.0)
    xs = _seqs(2, 5, 3)
    hy, ys = link(None, xs)
    for k, x in enumerate(xs):
        hy_k, (y_k,) = link(None, [x])
        numpy.testing.assert_allclose(ys[k].array, y_k.array, rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(hy.array[:, k], hy_k.array[:, 0], rtol=1e-5, atol=1e-6)


def test_nstep_lstm_gradients_reach_inputs_and_states():
    link = L.NStepLSTM(2, 4, 3, 0.0)
    xs = [chainfuse.Variable(x) for x in _seqs(3, 1, 2)]
    hx = chainfuse.Variable(numpy.zeros((2, 3, 3), numpy.float32))
    hy, cy, ys = link(hx, None, xs)
    loss = F.sum(hy) + F.sum(cy) + sum(F.sum(y) for y in ys)
    loss.backward()
    assert all(x.grad is not None and x.grad.shape == x.shape for x in xs)
    assert hx.grad.shape == hx.shape and link[0].w4.grad is not None


def test_nstep_dropout_applies_between_layers_only_while_training():
    link = L.NStepRNNTanh(2, 4, 3, 0.9)
    xs = _seqs(3, 2)
    with chainfuse.using_config('train', False):
        _, a = link(None, xs)
        _, b = link(None, xs)
    numpy.testing.assert_array_equal(a[0].array, b[0].array)
    chainfuse.set_random_seed(0)
    _, c = link(None, xs)
    assert not numpy.allclose(c[0].array, a[0].array)


def test_nstep_argument_errors_are_clear():
    link = L.NStepLSTM(1, 4, 3, 0.0)
    with pytest.raises(TypeError, match='list of sequences'):
        link(None, None, numpy.zeros((3, 4), numpy.float32))
    with pytest.raises(ValueError, match="'train' argument"):
        link(None, None, _seqs(2), train=False)
    with pytest.raises(ValueError, match='not supported anymore'):
        L.NStepLSTM(1, 4, 3, 0.0, use_bi_direction=True)
    with pytest.raises(ValueError, match='n_layers must be an integer >= 1'):
        L.NStepGRU(0, 4, 3, 0.0)


def test_n_step_functions_reject_increasing_batch_sizes():
    ws = [[numpy.ones((3, 4), 'f'), numpy.ones((3, 3), 'f')]]
    bs = [[numpy.zeros(3, 'f')] * 2]
    xs = [numpy.ones((1, 4), 'f'), numpy.ones((2, 4), 'f')]
    with pytest.raises(TypeError, match='must not increase'):
        F.n_step_rnn(1, 0.0, None, ws, bs, xs)


def test_gru_is_stateful_and_rejects_the_stateless_call():
    gru = L.GRU(4, 3)
    x = _seqs(2)[0]
    h1 = gru(x)
    h2 = gru(x)
    assert gru.h is h2 and not numpy.allclose(h1.array, h2.array)
    gru.reset_state()
    numpy.testing.assert_allclose(gru(x).array, h1.array)
    with pytest.raises(ValueError, match='StatelessGRU'):
        gru(h1, x)


def test_stateful_links_keep_and_reset_their_state():
    for link in (L.StatefulMGU(4, 3), L.StatefulPeepholeLSTM(4, 3),
                 L.StatefulZoneoutLSTM(4, 3)):
        x = _seqs(2)[0]
        with chainfuse.using_config('train', False):
            first = link(x).array
            assert not numpy.allclose(link(x).array, first)
            link.reset_state()
            numpy.testing.assert_allclose(link(x).array, first, rtol=1e-6)


def test_compiled_nstep_lstm_matches_eager():
    eager = L.NStepLSTM(2, 4, 3, 0.0)
    compiled = L.NStepLSTM(2, 4, 3, 0.0)
    compiled.copyparams(eager)
    compiled = chainfuse.compile(compiled, fallback='raise')
    xs = _seqs(3, 4, 1)
    for _ in range(2):
        he, ce, ye = eager(None, None, xs)
        hc, cc, yc = compiled(None, None, xs)
        numpy.testing.assert_allclose(hc.array, he.array, rtol=1e-5, atol=1e-6)
        for a, b in zip(yc, ye):
            numpy.testing.assert_allclose(a.array, b.array, rtol=1e-5, atol=1e-6)

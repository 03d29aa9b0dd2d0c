"""Cases recorded with Chainer 7.8.1 for the parity tests (tests/test_chainer7_parity.py).

Each case is written once against Chainer's API and runs under both frameworks: the
recorder (`make_parity.py`) passes the ``chainer`` package as ``ch``, the test passes
``chainfuse``.  A case draws its inputs (float32 unless said otherwise) from a
``numpy.random.RandomState`` seeded by its name, calls ``call(ch, *inputs)`` (a function
case) or ``call(ch, link, *inputs)`` (a link case, the link built by ``link(ch)``), and
the recorder saves the inputs, every output, the gradients of
``sum_k sum(out_k * w_k)`` (fixed random weights ``w_k``) with respect to every float
input and every parameter, and the link's parameters.  The test loads Chainer's
parameters into its own link (by name: the names and shapes must match) and compares
outputs and gradients, eagerly and through ``chainfuse.compile``.

This file imports neither framework, so the test runs without Chainer installed.
"""
import zlib

import numpy


class Spec:
    """An input: ``f`` float32 uniform in [lo, hi), ``d`` float64, ``i`` int32 in
    [lo, hi), ``b`` bool, or a fixed array (``value``)."""

    def __init__(self, kind, shape=(), lo=-1.0, hi=1.0, value=None):
        self.kind, self.shape, self.lo, self.hi, self.value = kind, tuple(shape), lo, hi, value

    def make(self, rng):
        if self.value is not None:
            return numpy.array(self.value)
        if self.kind in 'fd':
            x = rng.uniform(self.lo, self.hi, self.shape)
            return x.astype(numpy.float32 if self.kind == 'f' else numpy.float64)
        if self.kind == 'i':
            return rng.randint(int(self.lo), int(self.hi), self.shape).astype(numpy.int32)
        if self.kind == 'b':
            return rng.uniform(0, 1, self.shape) < 0.5
        raise ValueError(f'unknown spec kind {self.kind!r}')


def f(*shape, lo=-1.0, hi=1.0):
    return Spec('f', shape, lo, hi)


def d(*shape, lo=-1.0, hi=1.0):
    return Spec('d', shape, lo, hi)


def i(*shape, lo=0, hi=3):
    return Spec('i', shape, lo, hi)


def b(*shape):
    return Spec('b', shape)


def const(value):
    return Spec('c', value=value)


class Case:
    """One parity case (see the module docstring).

    Args:
        name: unique; seeds the inputs.
        call: ``call(ch, *xs)`` or, with `link`, ``call(ch, link, *xs)``; returns a
            Variable or a (nested) tuple/list of them.
        inputs: `Spec` s.
        link: ``link(ch)`` builds the link whose parameters are recorded and loaded.
        warmup: call once before recording (lazily sized links), then ``reset_state()``
            where the link has it.
        check_init: also compare the link's freshly built parameters with Chainer's
            (initializers given an explicit generator).
        grad: record and compare gradients.
        nograd: positions of float inputs passed as plain arrays (not differentiated).
        compiled: also run the case through ``chainfuse.compile`` in the test.
        tol: (atol, rtol) for outputs and gradients.
        train: the ``train`` config the case runs under.
    """

    def __init__(self, name, call, inputs, link=None, warmup=False, check_init=False,
                 grad=True, nograd=(), compiled=True, tol=(1e-5, 1e-4), train=True):
        self.name, self.call, self.inputs, self.link = name, call, list(inputs), link
        self.warmup, self.check_init, self.grad = warmup, check_init, grad
        self.compiled, self.tol, self.nograd = compiled, tol, tuple(nograd)
        self.train = train

    def make_inputs(self):
        rng = numpy.random.RandomState(zlib.crc32(self.name.encode()) % 2 ** 31)
        return [s.make(rng) for s in self.inputs]


def flatten(out):
    """The Variables of a (nested) tuple/list output, in order."""
    if isinstance(out, (tuple, list)):
        return [v for o in out for v in flatten(o)]
    return [out]


def _F(ch):
    return ch.functions


def _L(ch):
    return ch.links


def _steps(link, *xs):
    """Calls a stateful link on each x in turn; returns every output."""
    return [link(x) for x in xs]


def _seqs(*lengths, size=4):
    """Specs of sequences of the given lengths (an unsorted batch for NStep links)."""
    return [f(n, size) for n in lengths]


CASES = [
    # ---- behaviours of issue 17 ----
    Case('leaky_relu_at_zero', lambda ch, x: _F(ch).leaky_relu(x, slope=0.3),
         [const(numpy.array([0.0, -1.5, 2.0, 0.0], numpy.float32))]),
    Case('bernoulli_nll_bool_x', lambda ch, x, y: _F(ch).bernoulli_nll(x, y),
         [b(3, 4), f(3, 4, lo=-3, hi=3)]),
    Case('sce_soft_target', lambda ch, x, t: _F(ch).softmax_cross_entropy(
        x, t / t.sum(axis=1, keepdims=True)), [f(4, 3, 2), f(4, 3, 2, lo=0.1, hi=1)],
        nograd=(1,)),
    Case('sce_soft_target_kl_no_reduce', lambda ch, x, t: _F(ch).softmax_cross_entropy(
        x, t / t.sum(axis=1, keepdims=True), reduce='no', soft_target_loss='kl-divergence'),
        [f(4, 3), f(4, 3, lo=0.1, hi=1)], nograd=(1,)),
    Case('orthogonal_init', lambda ch, link, x: link(x), [f(2, 7)],
         link=lambda ch: ch.links.Linear(7, 3, initialW=ch.initializers.Orthogonal(
             scale=1.5, rng=numpy.random.RandomState(3))), check_init=True),
    Case('orthogonal_init_tall', lambda ch, link, x: link(x), [f(2, 3)],
         link=lambda ch: ch.links.Linear(3, 7, initialW=ch.initializers.Orthogonal(
             mode='embedding', rng=numpy.random.RandomState(4))), check_init=True),
    # ---- math: trigonometric, fmod, special functions ----
    Case('arcsin', lambda ch, x: _F(ch).arcsin(x), [f(3, 4, lo=-0.9, hi=0.9)]),
    Case('arccos', lambda ch, x: _F(ch).arccos(x), [f(3, 4, lo=-0.9, hi=0.9)]),
    Case('arctan', lambda ch, x: _F(ch).arctan(x), [f(3, 4, lo=-3, hi=3)]),
    Case('arctan2', lambda ch, x, y: _F(ch).arctan2(x, y), [f(3, 4), f(3, 4)]),
    Case('arctanh', lambda ch, x: _F(ch).arctanh(x), [f(3, 4, lo=-0.9, hi=0.9)]),
    Case('fmod', lambda ch, x, y: _F(ch).fmod(x, y),
         [f(3, 4, lo=-5, hi=5), f(3, 4, lo=0.5, hi=2)]),
    Case('erf', lambda ch, x: _F(ch).erf(x), [f(3, 4, lo=-2, hi=2)]),
    Case('erfc', lambda ch, x: _F(ch).erfc(x), [d(3, 4, lo=-2, hi=5)], tol=(1e-12, 1e-10)),
    Case('erfcx', lambda ch, x: _F(ch).erfcx(x), [d(3, 4, lo=-2, hi=40)], tol=(1e-12, 1e-10)),
    Case('erfinv', lambda ch, x: _F(ch).erfinv(x), [d(3, 4, lo=-0.999, hi=0.999)],
         tol=(1e-12, 1e-10)),
    Case('erfcinv', lambda ch, x: _F(ch).erfcinv(x), [d(3, 4, lo=0.001, hi=1.999)],
         tol=(1e-12, 1e-10)),
    Case('lgamma', lambda ch, x: _F(ch).lgamma(x), [f(3, 4, lo=0.1, hi=8)]),
    Case('digamma', lambda ch, x: _F(ch).digamma(x), [d(3, 4, lo=0.1, hi=8)],
         tol=(1e-11, 1e-10)),
    Case('polygamma', lambda ch, n, x: _F(ch).polygamma(n, x),
         [i(3, 4, lo=0, hi=4), d(3, 4, lo=0.2, hi=5)], tol=(1e-11, 1e-10)),
    Case('zeta', lambda ch, q: _F(ch).zeta(3.0, q), [d(3, 4, lo=0.2, hi=5)],
         tol=(1e-12, 1e-10)),
    Case('ndtr', lambda ch, x: _F(ch).ndtr(x), [f(3, 4, lo=-4, hi=4)]),
    Case('ndtri', lambda ch, x: _F(ch).ndtri(x), [d(3, 4, lo=0.001, hi=0.999)],
         tol=(1e-12, 1e-10)),
    Case('log_ndtr', lambda ch, x: _F(ch).log_ndtr(x), [d(3, 4, lo=-30, hi=5)],
         tol=(1e-12, 1e-10)),
    # ---- math: sums, products, linear algebra ----
    Case('add', lambda ch, a, b_, c: _F(ch).add(a, b_, c), [f(3, 4), f(3, 4), f(3, 4)]),
    Case('prod', lambda ch, x: _F(ch).prod(x, axis=1), [f(3, 4)]),
    Case('prod_zeros', lambda ch, x: _F(ch).prod(x, axis=(0, 2), keepdims=True),
         [const(numpy.array([[[1.5, 0.0], [2.0, -1.0]], [[0.5, 3.0], [0.0, 0.0]]],
                            numpy.float32))]),
    Case('cumprod', lambda ch, x: _F(ch).cumprod(x, axis=1), [f(3, 4)]),
    Case('cumprod_flat_zero', lambda ch, x: _F(ch).cumprod(x),
         [const(numpy.array([[2.0, 0.0], [3.0, 0.5]], numpy.float32))]),
    Case('sum_to', lambda ch, x: _F(ch).sum_to(x, (3, 1)), [f(2, 3, 4)]),
    Case('einsum_matmul', lambda ch, a, b_: _F(ch).einsum('ij,jk->ik', a, b_),
         [f(3, 4), f(4, 2)]),
    Case('einsum_ellipsis', lambda ch, a, b_: _F(ch).einsum('...ij,...jk', a, b_),
         [f(2, 3, 4), f(2, 4, 2)]),
    Case('einsum_diag_outer', lambda ch, a, v: _F(ch).einsum('ii,j->ij', a, v),
         [f(3, 3), f(2)]),
    Case('tensordot', lambda ch, a, b_: _F(ch).tensordot(a, b_, axes=((1, 2), (1, 0))),
         [f(2, 3, 4), f(4, 3)]),
    Case('det', lambda ch, a: _F(ch).det(a), [d(3, 3)], tol=(1e-10, 1e-8)),
    Case('batch_det', lambda ch, a: _F(ch).batch_det(a), [d(2, 3, 3)], tol=(1e-10, 1e-8)),
    Case('inv', lambda ch, a: _F(ch).inv(a), [d(3, 3)], tol=(1e-10, 1e-8)),
    Case('batch_inv', lambda ch, a: _F(ch).batch_inv(a), [d(2, 3, 3)], tol=(1e-10, 1e-8)),
    Case('cholesky', lambda ch, a: _F(ch).cholesky(
        _F(ch).matmul(a, a, transb=True) + 3 * numpy.eye(3)), [d(3, 3)], tol=(1e-10, 1e-8)),
    Case('diagonal', lambda ch, x: _F(ch).diagonal(x, 1, 2, 0), [f(4, 2, 3)]),
    # ---- evaluation ----
    Case('classification_summary', lambda ch, y, t: _F(ch).classification_summary(y, t),
         [f(20, 4), i(20, lo=0, hi=4)], grad=False, compiled=False),  # label_num from data
    Case('classification_summary_ignore_beta', lambda ch, y, t: _F(ch).classification_summary(
        y, t, label_num=5, beta=0.5, ignore_label=2), [f(12, 5, 2), i(12, 2, lo=0, hi=5)],
         grad=False),
    Case('precision', lambda ch, y, t: _F(ch).precision(y, t, label_num=3),
         [f(15, 3), i(15, lo=-1, hi=3)], grad=False),
    Case('recall', lambda ch, y, t: _F(ch).recall(y, t, label_num=3),
         [f(15, 3), i(15, lo=-1, hi=3)], grad=False),
    Case('f1_score', lambda ch, y, t: _F(ch).f1_score(y, t), [f(15, 3), i(15, lo=0, hi=3)],
         grad=False, compiled=False),
    Case('r2_score', lambda ch, p, t: _F(ch).r2_score(p, t), [f(8, 3), f(8, 3)], grad=False),
    Case('r2_score_raw', lambda ch, p, t: _F(ch).r2_score(p, t, multioutput='raw_values'),
         [f(8, 3), f(8, 3)], grad=False),
    # ---- recurrent functions and links ----
    Case('lstm', lambda ch, c, x: _F(ch).lstm(c, x), [f(3, 2), f(2, 8)]),
    Case('slstm', lambda ch, c1, c2, x1, x2: _F(ch).slstm(c1, c2, x1, x2),
         [f(2, 3), f(2, 3), f(2, 12), f(2, 12)]),
    Case('tree_lstm', lambda ch, c1, c2, c3, x: _F(ch).tree_lstm(c1, c2, c3, x),
         [f(2, 3), f(2, 3), f(2, 3), f(2, 18)]),
    Case('crelu', lambda ch, x: _F(ch).crelu(x, axis=2), [f(2, 3, 4)]),
    Case('rrelu_test_mode', lambda ch, x: _F(ch).rrelu(x, l=0.1, u=0.3), [f(3, 4)],
         train=False),
    Case('rrelu_given_r', lambda ch, x, r: _F(ch).rrelu(x, r=r), [f(3, 4), f(3, 4, lo=0, hi=1)],
         nograd=(1,)),
    Case('zoneout_test_mode', lambda ch, h, x: _F(ch).zoneout(h, x, 0.3), [f(3, 4), f(3, 4)],
         train=False),
    Case('simplified_dropconnect_mask', lambda ch, x, w, b_, m: _F(ch).simplified_dropconnect(
        x, w, b_, ratio=0.25, mask=m), [f(3, 4), f(2, 4), f(2), b(3, 2, 4)]),
    Case('simplified_dropconnect_eval', lambda ch, x, w: _F(ch).simplified_dropconnect(
        x, w, train=False, use_batchwise_mask=False), [f(3, 2, 2), f(5, 4)]),
    Case('n_step_lstm_fn', lambda ch, hx, cx, *r: _F(ch).n_step_lstm(
        1, 0.0, hx, cx, [list(r[:8])], [list(r[8:16])], list(r[16:])),
        [f(1, 3, 2), f(1, 3, 2)] + [f(2, 4)] * 4 + [f(2, 2)] * 4 + [f(2)] * 8 +
        [f(3, 4), f(2, 4), f(1, 4)]),
    Case('NStepLSTM', lambda ch, link, *xs: link(None, None, list(xs)), _seqs(2, 4, 3),
         link=lambda ch: _L(ch).NStepLSTM(2, 4, 3, 0.0)),
    Case('NStepLSTM_states', lambda ch, link, hx, cx, *xs: link(hx, cx, list(xs)),
         [f(1, 3, 2), f(1, 3, 2)] + _seqs(3, 1, 3), link=lambda ch: _L(ch).NStepLSTM(
             1, 4, 2, 0.0)),
    Case('NStepBiLSTM', lambda ch, link, *xs: link(None, None, list(xs)), _seqs(3, 2, 4),
         link=lambda ch: _L(ch).NStepBiLSTM(2, 4, 3, 0.0)),
    Case('NStepGRU', lambda ch, link, hx, *xs: link(hx, list(xs)), [f(2, 3, 3)] +
         _seqs(2, 4, 1), link=lambda ch: _L(ch).NStepGRU(2, 4, 3, 0.0)),
    Case('NStepBiGRU', lambda ch, link, *xs: link(None, list(xs)), _seqs(3, 2),
         link=lambda ch: _L(ch).NStepBiGRU(2, 4, 3, 0.0)),
    Case('NStepRNNTanh', lambda ch, link, *xs: link(None, list(xs)), _seqs(3, 5, 2),
         link=lambda ch: _L(ch).NStepRNNTanh(2, 4, 3, 0.0)),
    Case('NStepRNNReLU', lambda ch, link, *xs: link(None, list(xs)), _seqs(3, 5, 2),
         link=lambda ch: _L(ch).NStepRNNReLU(1, 4, 3, 0.0)),
    Case('NStepBiRNNTanh', lambda ch, link, *xs: link(None, list(xs)), _seqs(2, 3),
         link=lambda ch: _L(ch).NStepBiRNNTanh(2, 4, 3, 0.0)),
    Case('NStepBiRNNReLU', lambda ch, link, *xs: link(None, list(xs)), _seqs(2, 3),
         link=lambda ch: _L(ch).NStepBiRNNReLU(1, 4, 3, 0.0)),
    Case('StatefulGRU', lambda ch, link, x1, x2, x3: _steps(link, x1, x2, x3),
         [f(2, 4)] * 3, link=lambda ch: _L(ch).StatefulGRU(4, 3)),
    Case('GRU', lambda ch, link, x1, x2: _steps(link, x1, x2), [f(2, 4)] * 2,
         link=lambda ch: _L(ch).GRU(4, 3)),
    Case('StatelessGRU', lambda ch, link, h, x: link(h, x), [f(2, 3), f(2, 4)],
         link=lambda ch: _L(ch).StatelessGRU(4, 3)),
    Case('StatelessLSTM', lambda ch, link, c, h, x: link(c, h, x), [f(2, 3), f(2, 3), f(2, 4)],
         link=lambda ch: _L(ch).StatelessLSTM(4, 3)),
    Case('StatelessLSTM_lazy', lambda ch, link, x: link(None, None, x), [f(2, 5)],
         link=lambda ch: _L(ch).StatelessLSTM(None, 3), warmup=True),
    Case('LSTM_steps', lambda ch, link, x1, x2, x3: _steps(link, x1, x2, x3),
         [f(3, 4), f(3, 4), f(2, 4)], link=lambda ch: _L(ch).LSTM(4, 3)),
    Case('StatelessMGU', lambda ch, link, h, x: link(h, x), [f(2, 3), f(2, 4)],
         link=lambda ch: _L(ch).StatelessMGU(4, 3)),
    Case('StatefulMGU', lambda ch, link, x1, x2: _steps(link, x1, x2), [f(2, 4)] * 2,
         link=lambda ch: _L(ch).StatefulMGU(4, 3)),
    Case('StatefulPeepholeLSTM', lambda ch, link, x1, x2: _steps(link, x1, x2), [f(2, 4)] * 2,
         link=lambda ch: _L(ch).StatefulPeepholeLSTM(4, 3)),
    Case('StatefulZoneoutLSTM_test', lambda ch, link, x1, x2: _steps(link, x1, x2),
         [f(2, 4)] * 2, link=lambda ch: _L(ch).StatefulZoneoutLSTM(4, 3), train=False),
    Case('ChildSumTreeLSTM', lambda ch, link, c1, c2, h1, h2, x: link(c1, c2, h1, h2, x),
         [f(2, 3)] * 4 + [f(2, 4)], link=lambda ch: _L(ch).ChildSumTreeLSTM(4, 3)),
    Case('ChildSumTreeLSTM_leaf', lambda ch, link, x: link(x), [f(2, 4)],
         link=lambda ch: _L(ch).ChildSumTreeLSTM(4, 3)),
    Case('NaryTreeLSTM', lambda ch, link, c1, c2, h1, h2, x: link(c1, c2, h1, h2, x),
         [f(2, 3)] * 4 + [f(2, 4)], link=lambda ch: _L(ch).NaryTreeLSTM(4, 3, n_ary=2)),
]

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
        params: record the link's parameters and load them in the test (False for big
            models whose builder fills them the same way in both frameworks).
    """

    def __init__(self, name, call, inputs, link=None, warmup=False, check_init=False,
                 grad=True, nograd=(), compiled=True, tol=(1e-5, 1e-4), train=True,
                 params=True):
        self.name, self.call, self.inputs, self.link = name, call, list(inputs), link
        self.warmup, self.check_init, self.grad = warmup, check_init, grad
        self.compiled, self.tol, self.nograd = compiled, tol, tuple(nograd)
        self.train = train
        self.params = params

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


def _hooked(link, hook):
    link.add_hook(hook)
    return link


class _Fixed:
    """A sampler that returns given samples (both frameworks call ``sample(shape)``)."""

    def __init__(self, samples):
        self.samples = samples

    def sample(self, shape, *device):
        assert tuple(shape) == self.samples.shape, (shape, self.samples.shape)
        return self.samples


def _with_sampler(link, samples):
    link.sampler = _Fixed(samples)
    return link


def _seqs(*lengths, size=4):
    """Specs of sequences of the given lengths (an unsorted batch for NStep links)."""
    return [f(n, size) for n in lengths]


def _det_fill(link):
    """Fills every parameter with the same deterministic values in both frameworks (sines
    scaled like He's initializer; BN gamma near 1), for models too big to record."""
    for k, (path, p) in enumerate(sorted(link.namedparams())):
        s = numpy.sin(numpy.arange(p.size) * 0.37 + k).reshape(p.shape)
        if path.endswith('gamma'):
            s = 1.0 + 0.1 * s
        elif p.ndim >= 2:
            s = s * 2.0 / numpy.sqrt(p.size // p.shape[0])
        else:
            s = 0.1 * s
        p.array[...] = s
    return link


def _filled(link):
    """Gives W values (BlackOut's starts as NaN and NegativeSampling's as 0, in Chainer
    too)."""
    link.W.array[...] = numpy.sin(numpy.arange(link.W.size)).reshape(link.W.shape)
    return link


def _steps_blackout(link, x, t, samples):
    link.sample_data = samples
    return link(x, t)


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
    # ---- convolutions and pooling ----
    Case('convolution_1d', lambda ch, x, w, b_: _F(ch).convolution_1d(
        x, w, b_, stride=2, pad=1, dilate=1), [f(2, 3, 7), f(4, 3, 3), f(4)]),
    Case('convolution_3d', lambda ch, x, w: _F(ch).convolution_3d(
        x, w, stride=(1, 2, 1), pad=(1, 0, 1), dilate=(1, 1, 2)), [f(2, 2, 4, 5, 5),
                                                                   f(3, 2, 2, 3, 2)]),
    Case('convolution_nd_4d_groups', lambda ch, x, w: _F(ch).convolution_nd(
        x, w, stride=(2, 1, 1, 2), pad=1, groups=2), [f(1, 4, 3, 3, 4, 3), f(2, 2, 2, 1, 2, 2)]),
    Case('convolution_3d_cover_all', lambda ch, x, w: _F(ch).convolution_3d(
        x, w, stride=2, cover_all=True), [f(1, 2, 6, 5, 5), f(2, 2, 3, 2, 2)]),
    Case('deconvolution_1d', lambda ch, x, w, b_: _F(ch).deconvolution_1d(
        x, w, b_, stride=2, pad=1), [f(2, 3, 4), f(3, 2, 3), f(2)]),
    Case('deconvolution_3d', lambda ch, x, w: _F(ch).deconvolution_3d(
        x, w, stride=(2, 1, 2), pad=(1, 0, 1)), [f(1, 2, 3, 3, 2), f(2, 3, 3, 2, 3)]),
    Case('deconvolution_3d_outsize', lambda ch, x, w: _F(ch).deconvolution_3d(
        x, w, stride=2, pad=1, outsize=(6, 5, 6)), [f(1, 2, 3, 3, 3), f(2, 2, 3, 2, 3)]),
    Case('dilated_convolution_2d', lambda ch, x, w, b_: _F(ch).dilated_convolution_2d(
        x, w, b_, stride=1, pad=2, dilate=2), [f(2, 3, 6, 6), f(2, 3, 3, 3), f(2)]),
    Case('depthwise_convolution_2d', lambda ch, x, w, b_: _F(ch).depthwise_convolution_2d(
        x, w, b_, stride=2, pad=1), [f(2, 3, 5, 5), f(2, 3, 3, 3), f(6)]),
    Case('local_convolution_2d', lambda ch, x, w, b_: _F(ch).local_convolution_2d(x, w, b_),
         [f(2, 3, 4, 4), f(2, 2, 2, 3, 3, 3), f(2, 2, 2)]),
    Case('bilinear', lambda ch, e1, e2, w, v1, v2, b_: _F(ch).bilinear(e1, e2, w, v1, v2, b_),
         [f(3, 2), f(3, 4), f(2, 4, 5), f(2, 5), f(4, 5), f(5)]),
    Case('bilinear_no_bias', lambda ch, e1, e2, w: _F(ch).bilinear(e1, e2, w),
         [f(3, 2, 2), f(3, 3), f(4, 3, 2)]),
    Case('shift', lambda ch, x: _F(ch).shift(x, ksize=3, dilate=2), [f(2, 11, 4, 5)]),
    Case('im2col', lambda ch, x: _F(ch).im2col(x, 3, stride=2, pad=1, cover_all=True),
         [f(2, 2, 6, 5)]),
    Case('max_pooling_1d', lambda ch, x: _F(ch).max_pooling_1d(x, 3, stride=2, pad=1),
         [f(2, 3, 8)]),
    Case('max_pooling_3d', lambda ch, x: _F(ch).max_pooling_3d(
        x, (2, 3, 2), stride=2, pad=(1, 1, 0)), [f(2, 2, 6, 6, 5)]),
    Case('max_pooling_3d_indices', lambda ch, x: _F(ch).max_pooling_3d(
        x, 2, cover_all=False, return_indices=True), [f(1, 2, 4, 4, 6)], grad=False,
         compiled=False),   # a traced call cannot return the host index array
    Case('average_pooling_1d', lambda ch, x: _F(ch).average_pooling_1d(x, 3, pad=1),
         [f(2, 3, 8)]),
    Case('average_pooling_3d', lambda ch, x: _F(ch).average_pooling_3d(x, 2, stride=1, pad=1),
         [f(1, 2, 3, 4, 3)]),
    Case('average_pooling_nd_ignore_pad', lambda ch, x: _F(ch).average_pooling_nd(
        x, (3, 2, 3), stride=2, pad=1, pad_value=None), [f(1, 2, 5, 4, 5)]),
    Case('unpooling_1d', lambda ch, x: _F(ch).unpooling_1d(x, 3, stride=2), [f(2, 3, 4)]),
    Case('unpooling_3d', lambda ch, x: _F(ch).unpooling_3d(x, 2, pad=1, cover_all=False),
         [f(1, 2, 3, 3, 2)]),
    Case('unpooling_nd_outsize', lambda ch, x: _F(ch).unpooling_nd(
        x, 3, stride=2, pad=1, outsize=(5, 4, 5)), [f(1, 2, 3, 3, 3)]),
    Case('upsampling_2d', lambda ch, x, y: _F(ch).upsampling_2d(
        y, _F(ch).max_pooling_2d(x, 3, stride=2, pad=1, return_indices=True)[1], 3, stride=2,
        pad=1, outsize=(7, 6)), [f(2, 3, 7, 6), f(2, 3, 4, 4)], nograd=(0,)),
    Case('spatial_pyramid_pooling_2d', lambda ch, x: _F(ch).spatial_pyramid_pooling_2d(
        x, 3, pooling='max'), [f(2, 3, 9, 7)]),
    Case('ConvolutionND', lambda ch, link, x: link(x), [f(2, 3, 4, 5, 4)],
         link=lambda ch: _L(ch).ConvolutionND(3, 3, 4, (2, 3, 2), stride=(1, 2, 1), pad=1)),
    Case('Convolution1D_lazy', lambda ch, link, x: link(x), [f(2, 3, 9)],
         link=lambda ch: _L(ch).Convolution1D(None, 4, 3, stride=2, groups=1), warmup=True),
    Case('Convolution3D', lambda ch, link, x: link(x), [f(1, 4, 3, 4, 4)],
         link=lambda ch: _L(ch).Convolution3D(4, 2, 2, groups=2, dilate=(1, 2, 1))),
    Case('DeconvolutionND', lambda ch, link, x: link(x), [f(1, 2, 3, 2, 3)],
         link=lambda ch: _L(ch).DeconvolutionND(3, 2, 3, 3, stride=2, pad=1)),
    Case('Deconvolution1D', lambda ch, link, x: link(x), [f(2, 3, 5)],
         link=lambda ch: _L(ch).Deconvolution1D(3, 2, 4, stride=3, outsize=(15,))),
    Case('Deconvolution3D', lambda ch, link, x: link(x), [f(1, 2, 2, 3, 2)],
         link=lambda ch: _L(ch).Deconvolution3D(2, 4, 2, groups=2)),
    Case('DilatedConvolution2D', lambda ch, link, x: link(x), [f(2, 3, 7, 6)],
         link=lambda ch: _L(ch).DilatedConvolution2D(3, 2, 3, pad=1, dilate=2)),
    Case('DepthwiseConvolution2D', lambda ch, link, x: link(x), [f(2, 3, 5, 5)],
         link=lambda ch: _L(ch).DepthwiseConvolution2D(3, 2, 3, stride=1, pad=1)),
    Case('LocalConvolution2D', lambda ch, link, x: link(x), [f(2, 2, 4, 5)],
         link=lambda ch: _L(ch).LocalConvolution2D(2, 3, (4, 5), 3)),
    Case('Bilinear', lambda ch, link, e1, e2: link(e1, e2), [f(3, 2), f(3, 4)],
         link=lambda ch: _L(ch).Bilinear(2, 4, 3)),
    Case('Highway', lambda ch, link, x: link(x), [f(3, 4)],
         link=lambda ch: _L(ch).Highway(4)),
    Case('Inception', lambda ch, link, x: link(x), [f(2, 3, 5, 5)],
         link=lambda ch: _L(ch).Inception(3, 2, 2, 3, 1, 2, 2)),
    Case('InceptionBN', lambda ch, link, x: link(x), [f(3, 3, 5, 5)],
         link=lambda ch: _L(ch).InceptionBN(3, 2, 2, 2, 2, 3, 'max', proj_pool=2)),
    Case('InceptionBN_stride_avg', lambda ch, link, x: link(x), [f(3, 3, 5, 5)],
         link=lambda ch: _L(ch).InceptionBN(3, 0, 2, 2, 2, 3, 'avg', stride=2)),
    Case('MLPConvolution2D', lambda ch, link, x: link(x), [f(2, 3, 5, 5)],
         link=lambda ch: _L(ch).MLPConvolution2D(3, (4, 2, 3), 3, pad=1)),
    Case('Parameter_link', lambda ch, link: link() * 2.0, [],
         link=lambda ch: _L(ch).Parameter(numpy.arange(6, dtype=numpy.float32).reshape(2, 3))),
    # ---- normalization, activation links ----
    Case('local_response_normalization', lambda ch, x: _F(ch).local_response_normalization(
        x, n=3, k=1.0, alpha=0.3, beta=0.6), [f(2, 5, 3, 2, lo=-2, hi=2)]),
    Case('local_response_normalization_default',
         lambda ch, x: _F(ch).local_response_normalization(x), [f(2, 7, 2)]),
    Case('group_normalization', lambda ch, x, g, b_: _F(ch).group_normalization(x, 2, g, b_),
         [f(3, 4, 2, 3), f(4), f(4)]),
    Case('batch_renormalization', lambda ch, x, g, b_: _F(ch).batch_renormalization(
        x, g, b_, 1.5, 0.5, running_mean=numpy.array([0.3, -0.2, 0.1], numpy.float32),
        running_var=numpy.array([0.3, 2.0, 0.9], numpy.float32)),
         [f(5, 3, 2), f(3, lo=0.5, hi=1.5), f(3)]),
    Case('fixed_batch_renormalization', lambda ch, x, g, b_, m, v:
         _F(ch).fixed_batch_renormalization(x, g, b_, m, v),
         [f(4, 3), f(3), f(3), f(3), f(3, lo=0.5, hi=1.5)]),
    Case('GroupNormalization', lambda ch, link, x: link(x), [f(2, 6, 3)],
         link=lambda ch: _L(ch).GroupNormalization(3), warmup=True),
    Case('GroupNormalization_sized', lambda ch, link, x: link(x), [f(2, 4, 2, 2)],
         link=lambda ch: _L(ch).GroupNormalization(2, 4, eps=1e-3)),
    Case('BatchRenormalization_train', lambda ch, link, x1, x2: [
        link(x1), link(x2), _F(ch).identity(link.avg_mean), _F(ch).identity(link.avg_var)],
         [f(6, 3, lo=-2, hi=3), f(6, 3)], link=lambda ch: _L(ch).BatchRenormalization(
             3, rmax=1.2, dmax=0.3)),
    Case('BatchRenormalization_test', lambda ch, link, x: link(x), [f(4, 3)],
         link=lambda ch: _L(ch).BatchRenormalization(3), train=False),
    Case('PReLU', lambda ch, link, x: link(x), [f(3, 4, 2)],
         link=lambda ch: _L(ch).PReLU((4,), init=0.3)),
    Case('PReLU_scalar', lambda ch, link, x: link(x), [f(3, 4)],
         link=lambda ch: _L(ch).PReLU()),
    Case('Swish', lambda ch, link, x: link(x), [f(3, 4, 2)],
         link=lambda ch: _L(ch).Swish((4,), beta_init=0.7)),
    Case('Swish_lazy', lambda ch, link, x: link(x), [f(3, 4)],
         link=lambda ch: _L(ch).Swish(None), warmup=True),
    Case('SimplifiedDropconnect_eval', lambda ch, link, x: link(x, train=False), [f(3, 4)],
         link=lambda ch: _L(ch).SimplifiedDropconnect(4, 2)),
    # ---- link hooks ----
    Case('SpectralNormalization_linear', lambda ch, link, x: [
        link(x), _F(ch).identity(link.W_u)], [f(3, 4)],
         link=lambda ch: _hooked(_L(ch).Linear(4, 3), ch.link_hooks.SpectralNormalization())),
    Case('SpectralNormalization_conv_gamma', lambda ch, link, x: link(x), [f(2, 3, 5, 5)],
         link=lambda ch: _hooked(_L(ch).Convolution2D(3, 4, 3), ch.link_hooks.
                                 SpectralNormalization(n_power_iteration=3, use_gamma=True,
                                                       factor=2.0))),
    Case('SpectralNormalization_deconv_test', lambda ch, link, x: link(x), [f(2, 3, 3, 3)],
         link=lambda ch: _hooked(_L(ch).Deconvolution2D(3, 2, 2),
                                 ch.link_hooks.SpectralNormalization()), train=False),
    Case('WeightStandardization', lambda ch, link, x: link(x), [f(2, 3, 5, 5)],
         link=lambda ch: _hooked(_L(ch).Convolution2D(3, 4, 3),
                                 ch.link_hooks.WeightStandardization())),
    # ---- losses ----
    Case('contrastive', lambda ch, x0, x1, y: _F(ch).contrastive(x0, x1, y, margin=1.5),
         [f(4, 3), f(4, 3), i(4, lo=0, hi=2)]),
    Case('contrastive_no_reduce', lambda ch, x0, x1, y: _F(ch).contrastive(
        x0, x1, y, reduce='no'), [f(4, 3), f(4, 3), i(4, lo=0, hi=2)]),
    Case('triplet', lambda ch, a, p, n: _F(ch).triplet(a, p, n, margin=0.5),
         [f(4, 3), f(4, 3), f(4, 3)]),
    Case('triplet_no_reduce', lambda ch, a, p, n: _F(ch).triplet(a, p, n, reduce='no'),
         [f(4, 3), f(4, 3), f(4, 3)]),
    Case('cross_covariance', lambda ch, y, z: _F(ch).cross_covariance(y, z), [f(5, 3), f(5, 2)]),
    Case('cross_covariance_no_reduce', lambda ch, y, z: _F(ch).cross_covariance(
        y, z, reduce='no'), [f(5, 3), f(5, 2)]),
    Case('decov', lambda ch, h: _F(ch).decov(h), [f(5, 4)]),
    Case('decov_no_reduce', lambda ch, h: _F(ch).decov(h, reduce='no'), [f(5, 4)]),
    Case('negative_sampling', lambda ch, x, w, s_, t: _F(ch).negative_sampling(
        x, t, w, lambda shape: s_, 3), [f(4, 3), f(6, 3), i(4, 4, lo=0, hi=6),
                                       const(numpy.array([1, -1, 5, 0], numpy.int32))]),
    Case('negative_sampling_no_reduce', lambda ch, x, w, s_, t: _F(ch).negative_sampling(
        x, t, w, lambda shape: s_, 2, reduce='no'), [f(4, 3), f(6, 3), i(4, 3, lo=0, hi=6),
                                                    i(4, lo=0, hi=6)]),
    Case('black_out', lambda ch, x, t, w, s_: _F(ch).black_out(x, t, w, s_),
         [f(4, 3), i(4, lo=0, hi=5), f(5, 3), i(4, 2, lo=0, hi=5)]),
    Case('black_out_no_reduce', lambda ch, x, t, w, s_: _F(ch).black_out(
        x, t, w, s_, reduce='no'), [f(4, 3), i(4, lo=0, hi=5), f(5, 3), i(4, 2, lo=0, hi=5)]),
    Case('crf1d', lambda ch, cost, x0, x1, x2, y0, y1, y2: _F(ch).crf1d(
        cost, [x0, x1, x2], [y0, y1, y2]), [f(3, 3), f(3, 3), f(2, 3), f(1, 3),
                                           i(3, lo=0, hi=3), i(2, lo=0, hi=3), i(1, lo=0, hi=3)]),
    Case('crf1d_no_reduce', lambda ch, cost, x0, x1, y0, y1: _F(ch).crf1d(
        cost, [x0, x1], [y0, y1], reduce='no'), [f(4, 4), f(2, 4), f(2, 4), i(2, lo=0, hi=4),
                                                 i(2, lo=0, hi=4)]),
    Case('argmax_crf1d', lambda ch, cost, x0, x1, x2: _F(ch).argmax_crf1d(
        cost, [x0, x1, x2]), [f(3, 3), f(3, 3), f(2, 3), f(2, 3)], grad=False,
         compiled=False),   # the paths are host arrays
    Case('ctc', lambda ch, x0, x1, x2, x3, x4, t: _F(ch).connectionist_temporal_classification(
        [x0, x1, x2, x3, x4], t, 0), [f(2, 4)] * 5 + [i(2, 2, lo=1, hi=4)]),
    Case('ctc_lengths_no_reduce', lambda ch, x0, x1, x2, x3, t, il, ll:
         _F(ch).connectionist_temporal_classification([x0, x1, x2, x3], t, 3, il, ll,
                                                      reduce='no'),
         [f(3, 4)] * 4 + [const(numpy.array([[0, 1, 1], [2, 0, 0], [1, 2, 0]], numpy.int32)),
                          const(numpy.array([4, 3, 4], numpy.int32)),
                          const(numpy.array([3, 1, 2], numpy.int32))]),
    Case('NegativeSampling', lambda ch, link, x, t: link(x, t), [f(3, 4), i(3, lo=0, hi=5)],
         link=lambda ch: _filled(_with_sampler(
             _L(ch).NegativeSampling(4, [3, 1, 4, 1, 5], 2),
             numpy.array([[4, 0, 2], [1, 3, 3], [2, 2, 0]], numpy.int32)))),
    Case('BlackOut', lambda ch, link, x, t, s_: _steps_blackout(link, x, t, s_),
         [f(3, 4), i(3, lo=0, hi=5), i(3, 2, lo=0, hi=5)],
         link=lambda ch: _filled(_L(ch).BlackOut(4, [3, 1, 4, 1, 5], 2))),
    Case('CRF1d_transpose', lambda ch, link, x0, x1, x2, y0, y1, y2: link(
        [x0, x1, x2], [y0, y1, y2], transpose=True), [f(2, 3), f(4, 3), f(3, 3),
                                                      i(2, lo=0, hi=3), i(4, lo=0, hi=3),
                                                      i(3, lo=0, hi=3)],
         link=lambda ch: _L(ch).CRF1d(3)),
    Case('BinaryHierarchicalSoftmax', lambda ch, link, x, t: link(x, t),
         [f(4, 3), i(4, lo=0, hi=5)], link=lambda ch: _L(ch).BinaryHierarchicalSoftmax(
             3, _L(ch).BinaryHierarchicalSoftmax.create_huffman_tree(
                 {0: 8, 1: 3, 2: 5, 3: 1, 4: 2}))),
    # ---- arrays, fft, forget ----
    Case('resize_images', lambda ch, x: _F(ch).resize_images(x, (5, 7)), [f(2, 3, 4, 3)]),
    Case('resize_images_centers', lambda ch, x: _F(ch).resize_images(
        x, (3, 8), align_corners=False), [f(1, 2, 5, 4)]),
    Case('resize_images_nearest', lambda ch, x: _F(ch).resize_images(
        x, (7, 2), mode='nearest'), [f(1, 2, 3, 5)]),
    Case('scatter_add', lambda ch, a, b_, idx: _F(ch).scatter_add(a, idx, b_),
         [f(4, 3), f(3, 3), const(numpy.array([0, 2, 0], numpy.int32))]),
    Case('scatter_add_slices', lambda ch, a, b_: _F(ch).scatter_add(a, (slice(1, 3), 1), b_),
         [f(4, 3), f(2)]),
    Case('fft', lambda ch, r, im: _F(ch).fft((r, im)), [f(2, 5), f(2, 5)]),
    Case('ifft', lambda ch, r, im: _F(ch).ifft((r, im)), [f(3, 4), f(3, 4)]),
    Case('forget', lambda ch, x, w: _F(ch).forget(
        lambda a, b_: _F(ch).tanh(_F(ch).matmul(a, b_)) * a, x, w), [f(3, 3), f(3, 3)],
         compiled=False),    # a graph break: forget runs eagerly in a compiled call
    Case('spatial_transformer_grid', lambda ch, th: _F(ch).spatial_transformer_grid(th, (3, 4)),
         [f(2, 2, 3)]),
    Case('spatial_transformer_sampler', lambda ch, x, g: _F(ch).spatial_transformer_sampler(
        x, g), [f(2, 2, 4, 5), f(2, 2, 3, 3, lo=-1.1, hi=1.1)]),
    # ---- ImageNet models (parameters filled alike, not recorded) ----
    Case('ResNet50Layers', lambda ch, link, x: [link(x, layers=['res3', 'pool5', 'prob'])[k]
                                                for k in ('res3', 'pool5', 'prob')],
         [f(1, 3, 64, 64, lo=-100, hi=100)], link=lambda ch: _det_fill(
             _L(ch).ResNet50Layers(pretrained_model=None)), train=False, grad=False,
         compiled=False, params=False, tol=(1e-5, 2e-4)),
    Case('GoogLeNet', lambda ch, link, x: [link(x, layers=['pool5', 'prob', 'loss1_fc2',
                                                           'loss2_fc2'])[k]
                                           for k in ('pool5', 'prob', 'loss1_fc2',
                                                     'loss2_fc2')],
         [f(1, 3, 224, 224, lo=-100, hi=100)], link=lambda ch: _det_fill(
             _L(ch).GoogLeNet(pretrained_model=None)), train=False, grad=False,
         compiled=False, params=False, tol=(1e-5, 2e-4)),
    # ---- decorrelated batch normalization ----
    Case('decorrelated_batch_normalization', lambda ch, x: _F(ch).decorrelated_batch_normalization(
        x, groups=2), [f(8, 4, 3)], tol=(1e-4, 1e-3)),
    Case('fixed_decorrelated_batch_normalization', lambda ch, x, m, p:
         _F(ch).fixed_decorrelated_batch_normalization(x, m, p, groups=2),
         [f(3, 4, 2), f(2, 2), f(2, 2, 2)], nograd=(1, 2)),
    Case('DecorrelatedBatchNormalization', lambda ch, link, x1, x2: [
        link(x1), link(x2), _F(ch).identity(link.avg_mean),
        _F(ch).identity(link.avg_projection)], [f(10, 6), f(10, 6)],
         link=lambda ch: _L(ch).DecorrelatedBatchNormalization(6, groups=2),
         tol=(1e-4, 1e-3)),
    Case('DecorrelatedBatchNormalization_test', lambda ch, link, x: link(x), [f(3, 4, 2)],
         link=lambda ch: _L(ch).DecorrelatedBatchNormalization(4, groups=1), train=False),
    Case('deformable_convolution_2d_sampler', lambda ch, x, off, w, b_:
         _F(ch).deformable_convolution_2d_sampler(x, off, w, b_, stride=2, pad=1),
         [f(2, 3, 5, 5), f(2, 8, 3, 3, lo=-1.5, hi=1.5), f(4, 3, 2, 2), f(4)]),
    Case('DeformableConvolution2D', lambda ch, link, x: link(x), [f(2, 3, 5, 4)],
         link=lambda ch: _det_fill(_L(ch).DeformableConvolution2D(3, 2, 3, pad=1))),
    # ---- sampling-filter initializers ----
    Case('UpsamplingDeconvFilter', lambda ch, link, x: link(x), [f(1, 3, 3, 3)],
         link=lambda ch: _L(ch).Deconvolution2D(
             3, 3, 4, stride=2, pad=1, initialW=ch.initializers.UpsamplingDeconvFilter()),
         check_init=True),
    Case('DownsamplingConvFilter', lambda ch, link, x: link(x), [f(1, 2, 6, 6)],
         link=lambda ch: _L(ch).Convolution2D(
             2, 2, 3, stride=2, pad=1, initialW=ch.initializers.DownsamplingConvFilter()),
         check_init=True),
]

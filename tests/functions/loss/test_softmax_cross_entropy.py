"""F.softmax_cross_entropy: ignored labels, reduce='no', class weights, stability, errors."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError

X = numpy.array([[0.2, -1.0, 0.5], [1.5, 0.3, -0.2], [0.0, 0.1, 0.2], [-0.4, 0.9, 0.3]])
T = numpy.array([2, -1, 0, 1], numpy.int32)


def _nll(x, t):
    logp = x - numpy.log(numpy.exp(x).sum(axis=1, keepdims=True))
    return -logp[numpy.arange(len(t)), numpy.maximum(t, 0)]


def test_ignored_labels_get_no_loss_and_no_gradient():
    x = Variable(X.copy())
    loss = F.softmax_cross_entropy(x, T)
    per = _nll(X, T)
    numpy.testing.assert_allclose(loss.array, (per[0] + per[2] + per[3]) / 3)
    loss.backward()
    numpy.testing.assert_array_equal(x.grad[1], 0.0)
    p = numpy.exp(X) / numpy.exp(X).sum(axis=1, keepdims=True)
    expected = (p - numpy.eye(3)[numpy.maximum(T, 0)]) / 3
    numpy.testing.assert_allclose(x.grad[[0, 2, 3]], expected[[0, 2, 3]])


def test_normalize_false_divides_by_batch_size():
    loss = F.softmax_cross_entropy(X, T, normalize=False)
    per = _nll(X, T)
    numpy.testing.assert_allclose(loss.array, (per[0] + per[2] + per[3]) / 4)


def test_reduce_no_has_labels_shape_with_zeros_where_ignored():
    losses = F.softmax_cross_entropy(X, T, reduce='no')
    assert losses.shape == (4,) and losses.dtype == X.dtype
    expected = _nll(X, T) * (T != -1)
    numpy.testing.assert_allclose(losses.array, expected)


def test_class_weight_scales_each_entry_but_not_the_count():
    w = numpy.array([0.5, 2.0, 3.0])
    loss = F.softmax_cross_entropy(X, T, class_weight=w)
    per = _nll(X, T) * w[numpy.maximum(T, 0)]
    numpy.testing.assert_allclose(loss.array, (per[0] + per[2] + per[3]) / 3)


def test_every_label_ignored_gives_zero_not_nan():
    x = Variable(X.astype(numpy.float32))
    loss = F.softmax_cross_entropy(x, numpy.full(4, -1, numpy.int32))
    loss.backward()
    assert loss.array == 0.0
    numpy.testing.assert_array_equal(x.grad, 0.0)


def test_huge_logits_stay_finite():
    x = Variable(numpy.array([[1000.0, -1000.0], [-1000.0, 1000.0]], numpy.float32))
    loss = F.softmax_cross_entropy(x, numpy.array([0, 0], numpy.int32), reduce='no')
    numpy.testing.assert_allclose(loss.array, [0.0, 2000.0])
    F.sum(loss).backward()
    assert numpy.isfinite(x.grad).all()


def test_spatial_inputs_match_flattened_ones():
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2, 2))
    t = rng.integers(0, 3, (2, 2, 2)).astype(numpy.int32)
    flat_x = x.transpose(0, 2, 3, 1).reshape(-1, 3)
    numpy.testing.assert_allclose(F.softmax_cross_entropy(x, t).array,
                                  F.softmax_cross_entropy(flat_x, t.reshape(-1)).array)


def test_labels_are_graph_inputs_when_compiled():
    def f(x, t):
        return F.softmax_cross_entropy(x, t)

    cfn = cf.compile(f, fallback='raise')
    for t in (T, numpy.array([0, 1, -1, 2], numpy.int32)):
        numpy.testing.assert_allclose(cfn(X, t).array, f(X, t).array)


@pytest.mark.parametrize('x,t,match', [
    (X, T[:3], r'x must be \(N, C, \.\.\.\) and t \(N, \.\.\.\)'),
    (X, T.astype(numpy.float64), 't must be a signed integer array'),
    (T, T, 'x must be a floating-point array'),
])
def test_bad_inputs_are_named(x, t, match):
    with pytest.raises(OpTypeError, match='softmax_cross_entropy: ' + match):
        F.softmax_cross_entropy(x, t)


def test_bad_reduce_and_class_weight():
    with pytest.raises(ValueError, match="softmax_cross_entropy: only 'mean' and 'no'"):
        F.softmax_cross_entropy(X, T, reduce='sum')
    with pytest.raises(OpTypeError, match=r'class_weight must be a float array of shape \(3,\)'):
        F.softmax_cross_entropy(X, T, class_weight=numpy.ones(4))


def test_float16_mean_over_many_entries_does_not_overflow():
    # the summed loss (20000 * log 30 ~ 68000) exceeds float16's 65504
    x = Variable(numpy.zeros((20000, 30), numpy.float16))
    loss = F.softmax_cross_entropy(x, numpy.zeros(20000, numpy.int32))
    assert loss.dtype == numpy.float16
    numpy.testing.assert_allclose(loss.array, numpy.log(30.0), rtol=1e-3)
    loss.backward()
    assert x.grad.dtype == numpy.float16 and numpy.isfinite(x.grad).all()


class _Classifier(cf.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l = cf.links.Linear(3, 3, initialW=numpy.eye(3, dtype=numpy.float32))

    def forward(self, x, t):
        return F.softmax_cross_entropy(self.l(x), t)


def _runners():
    """softmax_cross_entropy run eagerly, compiled, and inside a compiled training step."""
    def eager(x, t):
        return F.softmax_cross_entropy(x, t)

    model = _Classifier()
    opt = cf.optimizers.SGD()
    opt.setup(model)
    return {'eager': eager, 'compiled': cf.compile(eager, fallback='raise'),
            'step': cf.compile_step(opt)}


@pytest.mark.parametrize('mode', ['eager', 'compiled', 'step'])
@pytest.mark.parametrize('bad,pos', [(3, 1), (7, 0), (-2, 3), (-4, 2)])
def test_out_of_range_labels_raise_naming_value_position_and_range(mode, bad, pos):
    run = _runners()[mode]
    x = X.astype(numpy.float32)
    run(x, numpy.array([0, 1, 2, 1], numpy.int32))   # a good call first: the plan exists
    t = numpy.array([0, 1, 2, 1], numpy.int32)
    t[pos] = bad
    msg = (rf'softmax_cross_entropy: label {bad} at position \({pos},\) is out of range: '
           r'labels must be in \[0, 3\) for 3 classes, or ignore_label=-1')
    with pytest.raises(ValueError, match=msg):
        run(x, t)


@pytest.mark.parametrize('mode', ['eager', 'compiled', 'step'])
def test_ignore_label_is_the_one_value_outside_the_range(mode):
    run = _runners()[mode]
    x = X.astype(numpy.float32)
    t = numpy.array([0, -1, 2, -1], numpy.int32)
    expected = F.softmax_cross_entropy(x, t).array   # the step's Linear is the identity
    numpy.testing.assert_allclose(run(x, t).array, expected, rtol=1e-6)
    with pytest.raises(ValueError, match=r'label -1 at position \(1,\).*ignore_label=5'):
        F.softmax_cross_entropy(x, t, ignore_label=5)


def test_soft_targets_match_chainer_and_reject_bad_options():
    x = Variable(numpy.array([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]], numpy.float32))
    t = numpy.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], numpy.float32)
    loss = F.softmax_cross_entropy(x, t)
    loss.backward()
    p = numpy.exp(x.array) / numpy.exp(x.array).sum(axis=1, keepdims=True)
    numpy.testing.assert_allclose(x.grad, (p - t) / 2, rtol=1e-5, atol=1e-7)  # Chainer's
    with pytest.raises(ValueError, match='soft_target_loss'):
        F.softmax_cross_entropy(x, t, soft_target_loss='kl')
    with pytest.raises(ValueError, match='class_weight'):
        F.softmax_cross_entropy(x, t, class_weight=numpy.ones(3, numpy.float32))

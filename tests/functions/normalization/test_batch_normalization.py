"""F.batch_normalization's running statistics, fixed BN, float16, layer norm and errors."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Variable
from chainfuse.ops.registry import OpTypeError


def _batches(n, shape, seed=0):
    rng = numpy.random.default_rng(seed)
    return [(rng.standard_normal(shape) * 2 + 1).astype(numpy.float32) for _ in range(n)]


@pytest.mark.parametrize('shape,axis,stat_axes', [
    ((6, 3), None, (0,)),
    ((4, 3, 2, 2), None, (0, 2, 3)),
    ((4, 3, 2), (0, 1), (0, 1)),
])
def test_running_statistics_follow_numpy_reference(shape, axis, stat_axes):
    kept = tuple(s for i, s in enumerate(shape) if i not in stat_axes)
    gamma, beta = numpy.ones(kept, numpy.float32), numpy.zeros(kept, numpy.float32)
    mean, var = numpy.zeros(kept, numpy.float32), numpy.ones(kept, numpy.float32)
    ref_mean, ref_var = mean.astype(numpy.float64), var.astype(numpy.float64)
    decay = 0.8
    for x in _batches(3, shape):
        F.batch_normalization(x, gamma, beta, running_mean=mean, running_var=var,
                              decay=decay, axis=axis)
        x64 = x.astype(numpy.float64)
        ref_mean = decay * ref_mean + (1 - decay) * x64.mean(axis=stat_axes)
        ref_var = decay * ref_var + (1 - decay) * x64.var(axis=stat_axes, ddof=1)
    numpy.testing.assert_allclose(mean, ref_mean, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(var, ref_var, rtol=1e-5, atol=1e-6)


def test_output_is_normalized_and_stats_are_not_differentiated():
    x = Variable(_batches(1, (8, 3))[0].astype(numpy.float64))
    gamma = Variable(numpy.array([1.0, 2.0, 0.5]))
    beta = Variable(numpy.array([0.0, 1.0, -1.0]))
    mean, var = numpy.zeros(3), numpy.ones(3)
    y = F.batch_normalization(x, gamma, beta, eps=0.0, running_mean=mean, running_var=var)
    numpy.testing.assert_allclose(y.array.mean(axis=0), beta.array, atol=1e-12)
    numpy.testing.assert_allclose(y.array.std(axis=0), gamma.array, rtol=1e-10)
    F.sum(y * y).backward()
    assert x.grad.shape == x.shape and gamma.grad.shape == (3,) and beta.grad.shape == (3,)


def test_fixed_bn_with_the_batch_statistics_equals_bn():
    x = _batches(1, (5, 3, 2))[0].astype(numpy.float64)
    gamma, beta = numpy.array([1.0, 2.0, 3.0]), numpy.array([0.1, 0.2, 0.3])
    mean, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))
    numpy.testing.assert_allclose(F.fixed_batch_normalization(x, gamma, beta, mean, var).array,
                                  F.batch_normalization(x, gamma, beta).array, rtol=1e-12)


def test_float16_with_a_tiny_variance_has_finite_gradients():
    rng = numpy.random.default_rng(0)
    x = Variable((rng.standard_normal((4, 3)) * 1e-3).astype(numpy.float16))
    gamma = Variable(numpy.ones(3, numpy.float16))
    beta = Variable(numpy.zeros(3, numpy.float16))
    y = F.batch_normalization(x, gamma, beta)
    assert y.dtype == numpy.float16
    F.sum(y * y).backward()
    for v in (x, gamma, beta):
        assert v.grad.dtype == numpy.float16 and numpy.isfinite(v.grad).all()


def test_compiled_bn_updates_running_statistics_like_eager():
    gamma = cf.Parameter(numpy.ones(3, numpy.float32))
    beta = cf.Parameter(numpy.zeros(3, numpy.float32))

    class Net(cf.Link):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.gamma, self.beta = gamma, beta
            self.add_persistent('mean', numpy.zeros(3, numpy.float32))
            self.add_persistent('var', numpy.ones(3, numpy.float32))

        def forward(self, x):
            return F.batch_normalization(x, self.gamma, self.beta,
                                         running_mean=self.mean, running_var=self.var)

    eager, compiled = Net(), Net()
    run = cf.compile(compiled, fallback='raise')
    for x in _batches(3, (6, 3)):
        numpy.testing.assert_allclose(run(x).array, eager(x).array, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(compiled.mean, eager.mean, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(compiled.var, eager.var, rtol=1e-5, atol=1e-6)
    assert not numpy.allclose(eager.mean, 0.0)


def test_gamma_shape_errors_are_named():
    x = numpy.zeros((4, 3, 2), numpy.float32)
    with pytest.raises(OpTypeError, match=r'batch_normalization: gamma must have shape \(3,\)'):
        F.batch_normalization(x, numpy.ones(2, numpy.float32), numpy.zeros(2, numpy.float32))
    with pytest.raises(OpTypeError, match=r'fixed_batch_normalization: var must have shape'):
        ones = numpy.ones(3, numpy.float32)
        F.fixed_batch_normalization(x, ones, ones, ones, numpy.ones(4, numpy.float32))


def test_layer_normalization_rows_and_errors():
    x = _batches(1, (3, 4))[0].astype(numpy.float64)
    y = F.layer_normalization(x, numpy.ones(4), numpy.zeros(4), eps=0.0).array
    numpy.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-12)
    numpy.testing.assert_allclose(y.std(axis=1), 1.0, rtol=1e-10)
    with pytest.raises(OpTypeError, match=r'layer_normalization: gamma must have shape \(4,\)'):
        F.layer_normalization(x, numpy.ones(3), numpy.zeros(4))
    with pytest.raises(OpTypeError, match='ndim >= 2'):
        F.layer_normalization(x[0], numpy.ones(4), numpy.zeros(4))


def test_normalize_gives_unit_rows():
    x = numpy.array([[3.0, 4.0], [0.0, 2.0]])
    numpy.testing.assert_allclose(F.normalize(x, eps=0.0).array, [[0.6, 0.8], [0.0, 1.0]])

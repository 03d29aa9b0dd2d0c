import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L


def batch(shape=(8, 3), seed=0):
    rng = numpy.random.default_rng(seed)
    return (rng.standard_normal(shape) * 2 + 5).astype(numpy.float32)


def test_parameters_and_persistents():
    bn = L.BatchNormalization(3)
    assert (bn.gamma.array == 1).all() and (bn.beta.array == 0).all()
    assert (bn.avg_mean == 0).all() and (bn.avg_var == 1).all() and bn.N == 0
    assert bn.avg_mean.dtype == numpy.float32
    assert [n for n, _ in bn.namedparams()] == ['/beta', '/gamma']
    assert sorted(bn._persistent) == ['N', 'avg_mean', 'avg_var']
    assert bn.decay == 0.9 and bn.eps == 2e-5
    nog = L.BatchNormalization(3, use_gamma=False, use_beta=False)
    assert not list(nog.params())


def test_initial_values_and_dtype():
    bn = L.BatchNormalization((2, 3), dtype=numpy.float64, initial_gamma=2,
                              initial_avg_var=3)
    assert bn.gamma.shape == (2, 3) and bn.gamma.dtype == numpy.float64
    assert (bn.gamma.array == 2).all() and (bn.avg_var == 3).all()
    assert bn.avg_mean.dtype == numpy.float64


def test_train_uses_batch_statistics_and_updates_running_averages():
    bn = L.BatchNormalization(3, decay=0.8)
    mean_id = id(bn.avg_mean)
    x = batch()
    y = bn(x)
    numpy.testing.assert_allclose(y.array.mean(axis=0), 0, atol=1e-5)
    numpy.testing.assert_allclose(y.array.std(axis=0), 1, atol=1e-3)
    m = x.shape[0]
    numpy.testing.assert_allclose(bn.avg_mean, 0.2 * x.mean(axis=0), rtol=1e-5)
    numpy.testing.assert_allclose(bn.avg_var, 0.8 + 0.2 * x.var(axis=0) * m / (m - 1),
                                  rtol=1e-5)
    assert id(bn.avg_mean) == mean_id  # updated in place


def test_test_mode_uses_running_statistics_without_updating():
    bn = L.BatchNormalization(3)
    bn.avg_mean[...] = [1, 2, 3]
    bn.avg_var[...] = 4
    bn.gamma.array[...] = 2
    x = batch()
    with chainfuse.using_config('train', False):
        y = bn(x)
    expected = (x - numpy.array([1, 2, 3])) / numpy.sqrt(4 + 2e-5) * 2
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-5)
    numpy.testing.assert_array_equal(bn.avg_mean, [1, 2, 3])


def test_lazy_size_from_conv_input():
    bn = L.BatchNormalization()
    x = batch((4, 3, 2, 2))
    y = bn(x)
    assert bn.gamma.shape == (3,) and bn.avg_mean.shape == (3,)
    numpy.testing.assert_allclose(y.array.mean(axis=(0, 2, 3)), 0, atol=1e-5)


def test_finetune_averages_cumulatively():
    bn = L.BatchNormalization(3)
    x1, x2 = batch(seed=1), batch(seed=2)
    bn(x1, finetune=True)
    numpy.testing.assert_allclose(bn.avg_mean, x1.mean(axis=0), rtol=1e-5)
    bn(x2, finetune=True)
    assert bn.N == 2
    numpy.testing.assert_allclose(bn.avg_mean, (x1.mean(0) + x2.mean(0)) / 2, rtol=1e-5)
    bn.start_finetuning()
    assert bn.N == 0


def test_gradients_reach_gamma_and_beta():
    bn = L.BatchNormalization(3)
    F.sum(bn(batch()) * numpy.arange(3, dtype=numpy.float32)).backward()
    numpy.testing.assert_allclose(bn.beta.grad, [0, 8, 16], rtol=1e-5)
    assert bn.gamma.grad is not None


def test_test_argument_is_rejected():
    with pytest.raises(ValueError, match='using_config'):
        L.BatchNormalization(3)(batch(), test=True)

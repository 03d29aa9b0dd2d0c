import numpy

import chainfuse.links as L


def test_parameters():
    ln = L.LayerNormalization(4)
    assert (ln.gamma.array == 1).all() and (ln.beta.array == 0).all() and ln.eps == 1e-6
    assert not L.LayerNormalization().gamma.is_initialized


def test_normalizes_each_sample_and_infers_size():
    rng = numpy.random.default_rng(0)
    x = (rng.standard_normal((3, 5)) * 3 + 1).astype(numpy.float32)
    ln = L.LayerNormalization(initial_beta=0.5)
    y = ln(x)
    assert ln.gamma.shape == (5,)
    expected = (x - x.mean(1, keepdims=True)) / numpy.sqrt(x.var(1, keepdims=True) + 1e-6)
    numpy.testing.assert_allclose(y.array, expected + 0.5, rtol=1e-4, atol=1e-5)

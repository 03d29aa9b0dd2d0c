import numpy

import chainfuse.links as L


def deconv_ref(x, W, b, stride, pad):
    n, _, h, w = x.shape
    _, oc, kh, kw = W.shape
    full = numpy.zeros((n, oc, (h - 1) * stride + kh, (w - 1) * stride + kw))
    for i in range(h):
        for j in range(w):
            full[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += \
                numpy.tensordot(x[:, :, i, j], W, axes=([1], [0]))
    y = full[:, :, pad:full.shape[2] - pad, pad:full.shape[3] - pad]
    return y + b.reshape(1, -1, 1, 1)


def test_parameter_shapes():
    d = L.Deconvolution2D(3, 8, 4, stride=2, pad=1)
    assert d.W.shape == (3, 8, 4, 4) and d.b.shape == (8,)
    g = L.Deconvolution2D(4, 6, 3, groups=2)
    assert g.W.shape == (4, 3, 3, 3)
    lazy = L.Deconvolution2D(8, 3)
    assert lazy.in_channels is None and not lazy.W.is_initialized


def test_forward_matches_reference_and_lazy_init():
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 4)).astype(numpy.float32)
    d = L.Deconvolution2D(None, 2, 3, stride=2, pad=1, initial_bias=0.5)
    y = d(x)
    assert d.W.shape == (3, 2, 3, 3) and y.shape == (2, 2, 7, 7)
    numpy.testing.assert_allclose(y.array, deconv_ref(x, d.W.array, d.b.array, 2, 1),
                                  rtol=1e-4, atol=1e-4)

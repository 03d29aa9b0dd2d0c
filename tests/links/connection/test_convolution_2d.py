import numpy
import pytest

import chainfuse.functions as F
import chainfuse.links as L


def conv_ref(x, W, b, stride=1, pad=0, groups=1):
    """Direct NumPy convolution (cross-correlation), NCHW, square stride/pad."""
    x = numpy.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, w = x.shape
    oc, icg, kh, kw = W.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    ocg = oc // groups
    y = numpy.zeros((n, oc, oh, ow))
    for g in range(groups):
        xs = x[:, g * icg:(g + 1) * icg]
        ws = W[g * ocg:(g + 1) * ocg]
        for i in range(oh):
            for j in range(ow):
                patch = xs[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                y[:, g * ocg:(g + 1) * ocg, i, j] = numpy.tensordot(
                    patch, ws, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def test_parameter_shapes():
    c = L.Convolution2D(3, 8, 5, stride=2, pad=1)
    assert c.W.shape == (8, 3, 5, 5) and c.b.shape == (8,) and (c.b.array == 0).all()
    assert c.stride == (2, 2) and c.pad == (1, 1)
    g = L.Convolution2D(4, 6, (3, 2), groups=2, nobias=True)
    assert g.W.shape == (6, 2, 3, 2) and g.b is None


def test_lazy_forms():
    c = L.Convolution2D(None, 8, 3)
    assert not c.W.is_initialized
    d = L.Convolution2D(8, 3)  # (out_channels, ksize)
    assert d.out_channels == 8 and d.ksize == 3 and d.in_channels is None


def test_chainer_v1_deterministic_flag_is_accepted():
    c = L.Convolution2D(1, 32, 5, stride=1, deterministic=True)
    assert c.W.shape == (32, 1, 5, 5)


def test_bad_arguments():
    with pytest.raises(TypeError, match='unexpected keyword'):
        L.Convolution2D(1, 2, 3, bogus=1)
    with pytest.raises(ValueError, match='groups'):
        L.Convolution2D(3, 4, 3, groups=2)


def test_forward_matches_reference():
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((2, 4, 6, 5)).astype(numpy.float32)
    c = L.Convolution2D(None, 6, 3, stride=1, pad=1, groups=2,
                        initial_bias=numpy.arange(6, dtype=numpy.float32))
    y = c(x)
    assert c.W.shape == (6, 2, 3, 3)
    numpy.testing.assert_allclose(y.array, conv_ref(x, c.W.array, c.b.array, 1, 1, 2),
                                  rtol=1e-4, atol=1e-4)


def test_strided_no_bias():
    rng = numpy.random.default_rng(1)
    x = rng.standard_normal((1, 2, 7, 7)).astype(numpy.float32)
    c = L.Convolution2D(2, 3, 3, stride=2, nobias=True)
    numpy.testing.assert_allclose(c(x).array, conv_ref(x, c.W.array, None, 2, 0),
                                  rtol=1e-4, atol=1e-4)


class CNN(L.Chain):
    """The model of the Chainer-on-GPU tutorial (seed 003), in Chainer v1 style."""

    def __init__(self):
        super(CNN, self).__init__(
            conv1=L.Convolution2D(1, 2, 5, stride=1, deterministic=True),
            conv2=L.Convolution2D(2, 3, 5, stride=1),
            l1=L.Linear(None, 8),
            l2=L.Linear(None, 10),
        )

    def __call__(self, x):
        x_4d = x.data.reshape(len(x.data), 1, 28, 28)
        h = F.relu(self.conv1(x_4d))
        h = F.max_pooling_2d(h, 2, stride=1)
        h = F.relu(self.conv2(h))
        h = F.max_pooling_2d(h, 2, stride=1)
        h = F.relu(self.l1(h))
        return self.l2(h)


def test_chainer_v1_style_cnn():
    import chainfuse
    model = CNN()
    assert [n for n, _ in model.namedlinks(skipself=True)] == ['/conv1', '/conv2', '/l1', '/l2']
    x = chainfuse.Variable(numpy.random.default_rng(0).random((2, 784), numpy.float32))
    y = model(x)
    assert y.shape == (2, 10) and model.l1.W.shape == (8, 3 * 18 * 18)
    F.sum(y).backward()
    assert model.conv1.W.grad is not None

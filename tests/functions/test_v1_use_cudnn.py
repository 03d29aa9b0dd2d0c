"""Chainer v1's ``use_cudnn=`` keyword: accepted with a DeprecationWarning that points to
``chainer.using_config('use_cudnn', ...)``, the result unchanged; so v1 code (the
GPU-determinism seed's CNN) runs as written."""
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L

X4 = numpy.random.default_rng(0).uniform(-1, 1, (2, 3, 6, 6)).astype(numpy.float32)
X2 = X4.reshape(2, -1)[:, :5]
T = numpy.array([1, 0], numpy.int32)
W = numpy.random.default_rng(1).uniform(-1, 1, (4, 3, 3, 3)).astype(numpy.float32)
G = numpy.ones(3, numpy.float32)

CALLS = [
    ('relu', lambda **k: F.relu(X2, **k)),
    ('sigmoid', lambda **k: F.sigmoid(X2, **k)),
    ('tanh', lambda **k: F.tanh(X2, **k)),
    ('softmax', lambda **k: F.softmax(X2, **k)),
    ('log_softmax', lambda **k: F.log_softmax(X2, **k)),
    ('softmax_cross_entropy', lambda **k: F.softmax_cross_entropy(X2, T, **k)),
    ('convolution_2d', lambda **k: F.convolution_2d(X4, W, stride=1, **k)),
    ('deconvolution_2d', lambda **k: F.deconvolution_2d(X4, W.transpose(1, 0, 2, 3), **k)),
    ('max_pooling_2d', lambda **k: F.max_pooling_2d(X4, 2, stride=1, **k)),
    ('average_pooling_2d', lambda **k: F.average_pooling_2d(X4, 2, **k)),
    ('batch_normalization', lambda **k: F.batch_normalization(X4, G, 0 * G, **k)),
    ('convolution_nd', lambda **k: F.convolution_nd(X4, W, **k)),
    ('deconvolution_nd', lambda **k: F.deconvolution_nd(X4, W.transpose(1, 0, 2, 3), **k)),
    ('dilated_convolution_2d', lambda **k: F.dilated_convolution_2d(X4, W, dilate=2, **k)),
    ('max_pooling_nd', lambda **k: F.max_pooling_nd(X4, 2, **k)),
    ('average_pooling_nd', lambda **k: F.average_pooling_nd(X4, 2, **k)),
    ('spatial_pyramid_pooling_2d',
     lambda **k: F.spatial_pyramid_pooling_2d(X4, 2, pooling='max', **k)),
    ('fixed_batch_normalization',
     lambda **k: F.fixed_batch_normalization(X4, G, 0 * G, 0 * G, G, **k)),
]


@pytest.mark.parametrize('name,call', CALLS, ids=[c[0] for c in CALLS])
def test_use_cudnn_is_accepted_with_a_deprecation_warning(name, call):
    with pytest.warns(DeprecationWarning, match=rf"{name}: use_cudnn=.*using_config"):
        got = call(use_cudnn=False)
    numpy.testing.assert_array_equal(got.array, call().array)


def test_other_unknown_keywords_are_still_errors():
    with pytest.raises(TypeError, match='unexpected keyword argument.*use_cuda'):
        F.relu(X2, use_cuda=False)


def test_v1_links_accept_use_cudnn():
    with pytest.warns(DeprecationWarning, match='Convolution2D: use_cudnn='):
        conv = L.Convolution2D(3, 4, 3, use_cudnn=False, deterministic=True)
    with pytest.warns(DeprecationWarning, match='BatchNormalization: use_cudnn='):
        bn = L.BatchNormalization(4, use_cudnn=False)
    assert bn(conv(X4)).shape == (2, 4, 4, 4)
    with pytest.warns(DeprecationWarning, match='ConvolutionND: use_cudnn='):
        L.ConvolutionND(2, 3, 4, 3, use_cudnn=False)
    with pytest.warns(DeprecationWarning, match='DilatedConvolution2D: use_cudnn='):
        L.DilatedConvolution2D(3, 4, 3, dilate=2, use_cudnn=False)
    with pytest.warns(DeprecationWarning, match='NStepLSTM: use_cudnn='):
        L.NStepLSTM(1, 3, 4, 0.0, use_cudnn=False)


class SeedCNN(chainfuse.Chain):
    """The GPU-determinism seed's CNN (Chainer v1 code), as written there."""

    def __init__(self):
        super(SeedCNN, self).__init__(
            conv1=L.Convolution2D(1, 4, 5, stride=1, deterministic=True),
            l1=L.Linear(None, 8),
            l2=L.Linear(None, 10),
        )

    def __call__(self, x):
        x_4d = x.data.reshape(len(x.data), 1, 12, 12)
        h = F.relu(self.conv1(x_4d), use_cudnn=False)
        h = F.max_pooling_2d(h, 2, stride=1, use_cudnn=False)
        h = F.relu(self.l1(h), use_cudnn=False)
        return self.l2(h)


def test_the_seed_cnn_runs_as_written_eagerly_and_compiled():
    x = chainfuse.Variable(numpy.random.default_rng(2).uniform(0, 1, (3, 144)).astype('f'))
    model = SeedCNN()
    with pytest.warns(DeprecationWarning):
        y = model(x)
    assert y.shape == (3, 10)
    classifier = L.Classifier(model)
    t = numpy.array([1, 2, 3], numpy.int32)
    with pytest.warns(DeprecationWarning):
        eager = classifier(x, t)
    compiled = chainfuse.compile(L.Classifier(model))
    with pytest.warns(DeprecationWarning):
        got = compiled(x, t)
    numpy.testing.assert_allclose(got.array, eager.array, rtol=1e-6)

"""F.linear and F.embed_id: flattening, batch axes and errors."""
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
from chainfuse.ops.registry import OpTypeError

rng = numpy.random.default_rng(0)


def test_linear_flattens_trailing_axes():
    x, W = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 12))
    y = F.linear(x, W)
    assert y.shape == (2, 5)
    numpy.testing.assert_allclose(y.array, x.reshape(2, 12) @ W.T)


def test_linear_batch_axes_keep_their_shape():
    x, W, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    y = F.linear(x, W, b, n_batch_axes=2)
    assert y.shape == (2, 3, 5)
    numpy.testing.assert_allclose(y.array, x @ W.T + b)


def test_linear_gradients_reach_parameters():
    x = rng.standard_normal((4, 3)).astype(numpy.float32)
    W = chainfuse.Parameter(rng.standard_normal((2, 3)).astype(numpy.float32))
    b = chainfuse.Parameter(numpy.zeros(2, numpy.float32))
    F.sum(F.linear(x, W, b)).backward()
    numpy.testing.assert_allclose(W.grad, numpy.ones((2, 4)) @ x, rtol=1e-6)
    numpy.testing.assert_allclose(b.grad, [4, 4])


def test_linear_errors():
    with pytest.raises(OpTypeError, match=r'linear: x of shape \(2, 3\) has 3 features but W '
                                          r'of shape \(5, 4\) expects 4'):
        F.linear(numpy.zeros((2, 3)), numpy.zeros((5, 4)))
    with pytest.raises(OpTypeError, match=r'linear: b must have shape \(5,\)'):
        F.linear(numpy.zeros((2, 4)), numpy.zeros((5, 4)), numpy.zeros(4))
    with pytest.raises(OpTypeError, match='linear: x must have more than n_batch_axes=1'):
        F.linear(numpy.zeros(4), numpy.zeros((5, 4)))
    with pytest.raises(ValueError, match='n_batch_axes must be positive'):
        F.linear(numpy.zeros((2, 4)), numpy.zeros((5, 4)), n_batch_axes=0)


def test_embed_id_rejects_float_ids():
    with pytest.raises(OpTypeError, match='embed_id: x must be an integer array'):
        F.embed_id(numpy.zeros(3), numpy.zeros((4, 2)))


def test_embed_id_ignore_label_gives_zeros_and_no_gradient():
    x = numpy.array([1, -1, 1, 2], numpy.int32)
    W = chainfuse.Parameter(rng.standard_normal((3, 2)))
    y = F.embed_id(x, W, ignore_label=-1)
    numpy.testing.assert_allclose(y.array, [W.array[1], [0, 0], W.array[1], W.array[2]])
    F.sum(y).backward()
    numpy.testing.assert_allclose(W.grad, [[0, 0], [2, 2], [1, 1]])


def _embed_runners(ignore_label):
    link = chainfuse.links.EmbedID(4, 2, ignore_label=ignore_label)

    class Model(chainfuse.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.embed = chainfuse.links.EmbedID(4, 2, ignore_label=ignore_label)

        def forward(self, x):
            return F.sum(self.embed(x))

    opt = chainfuse.optimizers.SGD()
    opt.setup(Model())
    return {'eager': link, 'compiled': chainfuse.compile(link, fallback='raise'),
            'step': chainfuse.compile_step(opt)}


@pytest.mark.parametrize('mode', ['eager', 'compiled', 'step'])
@pytest.mark.parametrize('ignore_label,bad', [(None, -1), (None, 4), (-1, -2), (-1, 9)])
def test_embed_id_out_of_range_ids_raise(mode, ignore_label, bad):
    run = _embed_runners(ignore_label)[mode]
    good = numpy.array([[0, 3], [1, 2]], numpy.int32)
    run(good)
    x = good.copy()
    x[1, 0] = bad
    also = 'no ignore_label' if ignore_label is None else f'or ignore_label={ignore_label}'
    msg = (rf'embed_id: id {bad} at position \(1, 0\) is out of range: ids must be in '
           rf'\[0, 4\) for 4 rows of W \(n_vocab\).*{also}')
    with pytest.raises(ValueError, match=msg):
        run(x)

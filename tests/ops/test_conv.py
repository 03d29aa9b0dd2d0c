"""Behaviour of the convolution/pooling ops beyond the table rows: errors that name the op
and the shapes, adjointness of the op family, inputs in any memory layout, and results
that never alias the im2col workspace."""
import numpy
import pytest

import chainfuse
from chainfuse.ops import conv
from chainfuse.ops.registry import OpTypeError
from tests.ops import _conv_ref as R

rng = numpy.random.default_rng(0)


def rand(*shape, dtype=numpy.float64):
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def attrs(stride=1, pad=0, dilate=1, groups=1):
    return dict(stride=conv.pair(stride), pad=conv.pair(pad), dilate=conv.pair(dilate),
                groups=groups)


# ---- sizes ----

def test_sizes_follow_chainer():
    assert conv.conv_outsize(5, 3, 1, 0) == 3
    assert conv.conv_outsize(5, 3, 2, 1) == 3
    assert conv.conv_outsize(5, 2, 2, 0) == 2
    assert conv.conv_outsize(5, 2, 2, 0, cover_all=True) == 3
    assert conv.conv_outsize(7, 3, 1, 0, d=2) == 3
    assert conv.deconv_outsize(3, 3, 2, 1) == 5
    assert conv.deconv_outsize(3, 2, 2, 0, cover_all=True) == 5


def test_pair():
    assert conv.pair(2) == (2, 2)
    assert conv.pair((1, 3)) == (1, 3)
    assert conv.pair(numpy.int64(4)) == (4, 4)
    with pytest.raises(OpTypeError, match='stride must be an int or a pair'):
        conv.pair((1, 2, 3), 'stride')


# ---- errors name the op and the shapes ----

@pytest.mark.parametrize('x_shape,W_shape,kw,match', [
    ((2, 3, 5, 5), (4, 2, 3, 3), {}, r'conv2d: x has 3 channels but W of shape \(4, 2, 3, 3\)'),
    ((3, 5, 5), (4, 3, 3, 3), {}, r'conv2d: x must have ndim 4, got shape \(3, 5, 5\)'),
    ((2, 3, 5, 5), (4, 3, 3), {}, r'conv2d: W must have ndim 4, got shape \(4, 3, 3\)'),
    ((2, 4, 5, 5), (3, 2, 3, 3), dict(groups=2),
     r'conv2d: out_channels \(3\) is not divisible by groups=2'),
    ((2, 3, 2, 2), (4, 3, 3, 3), {}, r'conv2d: the output would be empty'),
    ((2, 3, 5, 5), (4, 3, 3, 3), dict(stride=(0, 1)), r'conv2d: stride must be positive'),
])
def test_conv2d_errors(x_shape, W_shape, kw, match):
    with pytest.raises(OpTypeError, match=match):
        conv.conv2d(rand(*x_shape), rand(*W_shape), **kw)


def test_conv2d_dtype_mismatch():
    with pytest.raises(OpTypeError, match='conv2d: inputs must share one dtype'):
        conv.conv2d(rand(2, 3, 5, 5, dtype=numpy.float32), rand(4, 3, 3, 3))


def test_conv2d_rejects_integers():
    with pytest.raises(OpTypeError, match='conv2d: x must be a floating-point array'):
        conv.conv2d(numpy.ones((2, 3, 5, 5), numpy.int32), numpy.ones((4, 3, 3, 3), numpy.int32))


def test_deconv2d_errors():
    with pytest.raises(OpTypeError, match=r'deconv2d: x has 3 channels but W of shape '
                                          r'\(4, 2, 3, 3\) expects 4'):
        conv.deconv2d(rand(2, 3, 3, 3), rand(4, 2, 3, 3), outsize=(5, 5))
    with pytest.raises(OpTypeError, match=r'deconv2d: outsize \(9, 9\) is inconsistent'):
        conv.deconv2d(rand(2, 3, 3, 3), rand(3, 2, 3, 3), outsize=(9, 9))
    with pytest.raises(OpTypeError, match='deconv2d: missing required attribute'):
        conv.deconv2d(rand(2, 3, 3, 3), rand(3, 2, 3, 3))


def test_conv2d_grad_w_errors():
    with pytest.raises(OpTypeError, match=r'conv2d_grad_w: gy of shape \(2, 4, 4, 4\) is not '
                                          r'the output of a convolution of x'):
        conv.conv2d_grad_w(rand(2, 3, 5, 5), rand(2, 4, 4, 4), ksize=(3, 3))


def test_pooling_errors():
    with pytest.raises(OpTypeError, match=r'max_pool2d: x must have ndim 4, got shape'):
        conv.max_pool2d(rand(3, 5, 5), ksize=(2, 2), stride=(2, 2))
    with pytest.raises(OpTypeError, match=r'avg_pool2d: pad \(2, 2\) must be smaller'):
        conv.avg_pool2d(rand(1, 1, 5, 5), ksize=(2, 2), stride=(2, 2), pad=(2, 2))
    with pytest.raises(OpTypeError, match='max_pool2d_grad: indexes must be an integer'):
        conv.max_pool2d_grad(rand(1, 1, 2, 2), rand(1, 1, 2, 2), ksize=(2, 2), stride=(2, 2),
                             insize=(4, 4))
    with pytest.raises(OpTypeError, match=r'avg_pool2d_grad: gy of shape \(1, 1, 3, 3\) is '
                                          r'not the output of a pooling'):
        conv.avg_pool2d_grad(rand(1, 1, 3, 3), ksize=(2, 2), stride=(2, 2), insize=(4, 4))


# ---- the three convolution ops are adjoint ----

ADJOINT_CONFIGS = [
    dict(),
    dict(stride=2, pad=1),
    dict(stride=(1, 2), pad=(2, 0), dilate=(2, 1)),
    dict(stride=3, cover_all=True),
    dict(groups=3, pad=1),
]


@pytest.mark.parametrize('cfg', ADJOINT_CONFIGS)
def test_conv_family_is_adjoint(cfg):
    cfg = dict(cfg)
    cover_all = cfg.pop('cover_all', False)
    a = attrs(**cfg)
    x, W = rand(2, 3, 7, 6), rand(6, 3 // a['groups'], 3, 3)
    y = conv.conv2d(x, W, cover_all=cover_all, **a).array
    gy = rand(*y.shape)
    gx = conv.deconv2d(gy, W, outsize=(7, 6), **a).array
    gW = conv.conv2d_grad_w(x, gy, ksize=(3, 3), **a).array
    lhs = numpy.vdot(y, gy)
    assert numpy.isclose(lhs, numpy.vdot(x, gx))
    assert numpy.isclose(lhs, numpy.vdot(W, gW))


@pytest.mark.parametrize('ksize,stride,pad', [((2, 2), (2, 2), (0, 0)),
                                              ((3, 3), (1, 1), (1, 1)),
                                              ((3, 2), (2, 1), (1, 0))])
def test_pooling_ops_are_adjoint(ksize, stride, pad):
    x = rand(2, 3, 6, 5)
    p = dict(ksize=ksize, stride=stride, pad=pad)
    y, idx = conv.max_pool2d(x, cover_all=True, **p)
    gy = rand(*y.shape)
    gx = conv.max_pool2d_grad(gy, idx, insize=(6, 5), **p).array
    g = rand(*x.shape)
    assert numpy.isclose(numpy.vdot(conv.max_pool2d_gather(g, idx, **p).array, gy),
                         numpy.vdot(g, gx))
    # the max is the gathered input
    numpy.testing.assert_allclose(conv.max_pool2d_gather(x, idx, **p).array, y.array)
    a = conv.avg_pool2d(x, **p).array
    ga = rand(*a.shape)
    assert numpy.isclose(numpy.vdot(a, ga),
                         numpy.vdot(x, conv.avg_pool2d_grad(ga, insize=(6, 5), **p).array))


# ---- inputs in any layout; outputs never alias the workspace ----

def test_any_input_layout_gives_the_same_result():
    x, W = rand(2, 3, 6, 6), rand(4, 3, 3, 3)
    expected = R.conv2d(x, W, pad=1)
    cnhw = numpy.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    for layout in (x, cnhw, numpy.asfortranarray(x), x[:, :, ::-1, :][:, :, ::-1, :]):
        y = conv.conv2d(layout, W, pad=(1, 1)).array
        numpy.testing.assert_allclose(y, expected, atol=1e-12)
        y2, _ = conv.max_pool2d(layout, ksize=(2, 2), stride=(1, 1))
        numpy.testing.assert_allclose(y2.array, R.max_pool2d(x, 2, 1)[0])


def test_results_do_not_alias_the_workspace():
    x1, x2, W = rand(2, 3, 6, 6), rand(2, 3, 6, 6), rand(4, 3, 3, 3)
    y1 = conv.conv2d(x1, W).array
    saved_y = y1.copy()
    gx1 = conv.deconv2d(y1, W, outsize=(6, 6)).array
    saved_gx = gx1.copy()
    conv.conv2d(x2, W)
    conv.deconv2d(rand(*y1.shape), W, outsize=(6, 6))
    conv.conv2d_grad_w(x2, rand(*y1.shape), ksize=(3, 3))
    numpy.testing.assert_array_equal(y1, saved_y)
    numpy.testing.assert_array_equal(gx1, saved_gx)
    conv.free_workspace()
    numpy.testing.assert_allclose(conv.conv2d(x1, W).array, saved_y)


def test_max_pool_ties_go_to_the_first_position():
    x = numpy.ones((1, 1, 4, 4))
    x[0, 0, 1, 1] = 2.0  # in the first 2x2 window, at position i=1, j=1
    y, idx = conv.max_pool2d(x, ksize=(2, 2), stride=(2, 2))
    assert idx.dtype == numpy.int32
    numpy.testing.assert_array_equal(idx.array[0, 0], [[3, 0], [0, 0]])
    numpy.testing.assert_array_equal(y.array[0, 0], [[2, 1], [1, 1]])


def test_max_pool_padding_never_wins():
    x = -numpy.ones((1, 1, 3, 3)) * numpy.arange(1, 10).reshape(1, 1, 3, 3)
    y, _ = conv.max_pool2d(x, ksize=(3, 3), stride=(2, 2), pad=(1, 1))
    numpy.testing.assert_array_equal(y.array[0, 0], [[-1, -2], [-4, -5]])


def test_double_backward_of_conv_through_variables():
    x = chainfuse.Variable(rand(2, 3, 5, 5))
    W = chainfuse.Variable(rand(4, 3, 3, 3))
    y = conv.conv2d(x, W, stride=(2, 2), pad=(1, 1))
    gx, = chainfuse.grad([y], [x], grad_outputs=[numpy.ones(y.shape)],
                         enable_double_backprop=True)
    # d/dW of sum(gx * c) = conv2d_grad_w(c, ones): check against the reference
    c = rand(2, 3, 5, 5)
    gW, = chainfuse.grad([gx], [W], grad_outputs=[c])
    expected = R.conv2d_grad_w(c, numpy.ones(y.shape), (3, 3), 2, 1)
    numpy.testing.assert_allclose(gW.array, expected, atol=1e-12)

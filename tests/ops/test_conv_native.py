"""The Numba loops of `chainfuse.ops.conv_native` against the numpy impls they replace.

Each row runs an op twice on the same arrays: with the loops (the default on numpy
arrays) and with ``CHAINFUSE_BACKEND=numpy`` (the numpy impl, which compiles nothing),
and asks for bit-equal results: odd shapes, strides, padding, cover_all, float32 and
float64, and inputs in other memory layouts (the loops read any strides)."""
import numpy
import pytest

from chainfuse.ops import conv

rng = numpy.random.default_rng(7)


def both(monkeypatch, fn):
    """fn() with the Numba loops, then with the numpy impl."""
    monkeypatch.delenv('CHAINFUSE_BACKEND', raising=False)
    native = fn()
    monkeypatch.setenv('CHAINFUSE_BACKEND', 'numpy')
    reference = fn()
    monkeypatch.delenv('CHAINFUSE_BACKEND')
    return native, reference


def layout(a, how):
    """`a` with the same values in another memory layout."""
    if how == 'c':
        return a
    if how == 'cn':         # (N, C, ...) view of a (C, N, ...) array, as conv2d returns
        return numpy.ascontiguousarray(a.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    if how == 'strided':    # every other element of a larger array
        big = numpy.zeros(a.shape[:3] + (2 * a.shape[3],), a.dtype)
        big[..., ::2] = a
        return big[..., ::2]
    if how == 'readonly':
        a = a.copy()
        a.setflags(write=False)
        return a
    raise ValueError(how)


# (x shape, ksize, stride, pad, cover_all)
POOLS = [
    ((2, 3, 8, 8), 2, 2, 0, False),
    ((2, 3, 8, 8), 2, 1, 0, False),        # overlapping windows (cnn_mnist)
    ((3, 2, 7, 9), 3, 2, 1, True),         # padding and a partial last window
    ((1, 4, 5, 6), (2, 3), (1, 2), (1, 0), True),
    ((2, 1, 9, 7), 3, 3, 0, True),         # cover_all without padding
    ((1, 2, 4, 4), 4, 1, 2, False),
    ((0, 3, 6, 6), 2, 2, 0, False),        # an empty batch
]
DTYPES = [numpy.float32, numpy.float64]
LAYOUTS = ['c', 'cn', 'strided', 'readonly']


def pool_attrs(ksize, stride, pad, cover_all):
    return dict(ksize=conv.pair(ksize), stride=conv.pair(stride), pad=conv.pair(pad),
                cover_all=cover_all)


@pytest.mark.parametrize('shape,ksize,stride,pad,cover_all', POOLS)
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('how', LAYOUTS)
def test_max_pool2d_matches_numpy(monkeypatch, shape, ksize, stride, pad, cover_all, dtype,
                                  how):
    x = layout(rng.standard_normal(shape).astype(dtype), how)
    a = pool_attrs(ksize, stride, pad, cover_all)
    (y, idx), (y0, idx0) = both(monkeypatch, lambda: conv._max_pool2d_impl(numpy, x, **a))
    assert y.dtype == y0.dtype and idx.dtype == idx0.dtype == numpy.int32
    numpy.testing.assert_array_equal(y, y0)
    numpy.testing.assert_array_equal(idx, idx0)


@pytest.mark.parametrize('shape,ksize,stride,pad,cover_all', POOLS)
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('how', LAYOUTS)
def test_max_pool2d_grad_matches_numpy(monkeypatch, shape, ksize, stride, pad, cover_all,
                                       dtype, how):
    x = rng.standard_normal(shape).astype(dtype)
    a = pool_attrs(ksize, stride, pad, cover_all)
    y, idx = conv._max_pool2d_impl(numpy, x, **a)
    gy = layout(rng.standard_normal(y.shape).astype(dtype), how)
    idx = layout(idx, how)
    g = dict(a, insize=shape[2:])
    del g['cover_all']
    gx, gx0 = both(monkeypatch, lambda: conv._max_pool2d_grad_impl(numpy, gy, idx, **g))
    assert gx.dtype == gx0.dtype and gx.flags.c_contiguous
    numpy.testing.assert_array_equal(gx, gx0)   # same sums in the same order


def test_max_pool2d_ties_nan_and_infinities_match_numpy(monkeypatch):
    x = numpy.array([[[[1, 1, 2, 2, 0, -numpy.inf],
                       [numpy.nan, 1, 2, numpy.nan, -numpy.inf, -numpy.inf],
                       [3, numpy.inf, 0, 0, 5, numpy.nan],
                       [numpy.inf, 3, 0, 0, 5, 5]]]], numpy.float32)
    for ksize, stride, pad in [(2, 2, 0), (2, 1, 0), (3, 2, 1)]:
        a = pool_attrs(ksize, stride, pad, True)
        (y, idx), (y0, idx0) = both(monkeypatch, lambda: conv._max_pool2d_impl(numpy, x, **a))
        numpy.testing.assert_array_equal(y, y0)
        numpy.testing.assert_array_equal(idx, idx0)


@pytest.mark.parametrize('pad,insize', [(1, (4, 4)), (0, (6, 6))])
def test_max_pool2d_grad_drops_indexes_out_of_range(monkeypatch, pad, insize):
    gy = rng.standard_normal((1, 2, 3, 3))
    idx = rng.integers(-2, 6, size=gy.shape).astype(numpy.int32)
    g = dict(ksize=(2, 2), stride=(2, 2), pad=(pad, pad), insize=insize)
    gx, gx0 = both(monkeypatch, lambda: conv._max_pool2d_grad_impl(numpy, gy, idx, **g))
    numpy.testing.assert_array_equal(gx, gx0)


def test_other_dtypes_run_the_numpy_impl():
    x = rng.standard_normal((2, 3, 6, 6)).astype(numpy.float16)
    y, idx = conv._max_pool2d_impl(numpy, x, **pool_attrs(2, 2, 0, False))
    assert y.dtype == numpy.float16
    idx64 = idx.astype(numpy.int64)     # int64 indexes: the numpy impl
    gx = conv._max_pool2d_grad_impl(numpy, y.astype(numpy.float32), idx64, ksize=(2, 2),
                                    stride=(2, 2), pad=(0, 0), insize=(6, 6))
    gx32 = conv._max_pool2d_grad_impl(numpy, y.astype(numpy.float32), idx, ksize=(2, 2),
                                      stride=(2, 2), pad=(0, 0), insize=(6, 6))
    numpy.testing.assert_array_equal(gx, gx32)


def test_numpy_backend_compiles_nothing(monkeypatch):
    monkeypatch.setenv('CHAINFUSE_BACKEND', 'numpy')
    assert conv._native(numpy, 'max_pool', (numpy.zeros((1, 1, 2, 2)),),
                        ((numpy.float64, 4), (numpy.int32, 4))) is None


# ---- conv2d's product per image (short reductions) against the one large GEMM ----

@pytest.mark.parametrize('x_shape,W_shape,stride,pad', [
    ((3, 1, 9, 9), (4, 1, 5, 5), 1, 0),
    ((2, 3, 7, 8), (5, 3, 3, 3), 2, 1),
    ((0, 2, 6, 6), (3, 2, 3, 3), 1, 1),
])
@pytest.mark.parametrize('dtype', DTYPES)
def test_conv2d_per_image_product_matches_one_gemm(monkeypatch, x_shape, W_shape, stride,
                                                   pad, dtype):
    x = rng.standard_normal(x_shape).astype(dtype)
    W = rng.standard_normal(W_shape).astype(dtype)
    a = dict(stride=conv.pair(stride), pad=conv.pair(pad), dilate=(1, 1), groups=1,
             cover_all=False)
    per_image = conv._conv2d_impl(numpy, x, W, **a)
    assert per_image.flags.c_contiguous
    monkeypatch.setattr(conv, 'PER_IMAGE_MAX_K', 0)
    one_gemm = conv._conv2d_impl(numpy, x, W, **a)
    assert not one_gemm.flags.c_contiguous or x_shape[0] == 0   # the (out_c, N, ...) view
    tol = 1e-5 if dtype == numpy.float32 else 1e-12
    numpy.testing.assert_allclose(per_image, one_gemm, rtol=tol, atol=tol)


@pytest.mark.parametrize('x_shape,W_shape,stride,pad', [
    ((3, 1, 9, 9), (4, 1, 5, 5), 1, 0),
    ((2, 3, 7, 8), (5, 3, 3, 3), 2, 1),
    ((0, 2, 6, 6), (3, 2, 3, 3), 1, 1),
])
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('how', LAYOUTS)
def test_conv2d_grad_w_per_image_products_match_one_gemm(monkeypatch, x_shape, W_shape,
                                                         stride, pad, dtype, how):
    x = rng.standard_normal(x_shape).astype(dtype)
    a = dict(stride=conv.pair(stride), pad=conv.pair(pad), dilate=(1, 1), groups=1)
    y = conv._conv2d_impl(numpy, x, rng.standard_normal(W_shape).astype(dtype),
                          cover_all=False, **a)
    gy = layout(rng.standard_normal(y.shape).astype(dtype), how)
    per_image = conv._grad_w_impl(numpy, x, gy, ksize=W_shape[2:], **a)
    monkeypatch.setattr(conv, 'PER_IMAGE_MAX_K', 0)
    one_gemm = conv._grad_w_impl(numpy, x, gy, ksize=W_shape[2:], **a)
    assert per_image.shape == one_gemm.shape == W_shape
    tol = 1e-5 if dtype == numpy.float32 else 1e-12
    numpy.testing.assert_allclose(per_image, one_gemm, rtol=tol, atol=tol)

import numpy
import pytest

import chainfuse
from chainfuse import initializers as I
from chainfuse.core.variable import Parameter


def gen(init, shape, dtype=None):
    return I.generate_array(init, shape, numpy, dtype=dtype)


# ---- constant initializers ----
def test_constant_scalar_and_array():
    assert (gen(I.Constant(2.5), (2, 3)) == 2.5).all()
    a = gen(I.Constant(numpy.arange(3.0)), (2, 3))
    numpy.testing.assert_array_equal(a, [[0, 1, 2], [0, 1, 2]])


def test_constant_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r'\(4,\).*\(2, 3\)'):
        gen(I.Constant(numpy.zeros(4)), (2, 3))


@pytest.mark.parametrize('cls, value', [(I.Zero, 0.0), (I.One, 1.0)])
def test_zero_one(cls, value):
    assert (gen(cls(), (3,)) == value).all()


def test_nan():
    assert numpy.isnan(gen(I.NaN(), (2, 2))).all()


def test_identity():
    numpy.testing.assert_array_equal(gen(I.Identity(2.0), (3, 3)), 2 * numpy.eye(3))
    with pytest.raises(ValueError, match='square'):
        gen(I.Identity(), (2, 3))


# ---- random initializers: statistics ----
SHAPE = (400, 500)  # fan_in 500, fan_out 400


def _std(init, shape=SHAPE):
    chainfuse.set_random_seed(0)
    a = gen(init, shape)
    assert abs(a.mean()) < 4 * a.std() / numpy.sqrt(a.size)   # 4 standard errors
    return a.std(), a


@pytest.mark.parametrize('init, expected', [
    (I.Normal(0.3), 0.3),
    (I.LeCunNormal(), numpy.sqrt(1 / 500)),
    (I.LeCunNormal(2.0), 2 * numpy.sqrt(1 / 500)),
    (I.GlorotNormal(), numpy.sqrt(2 / 900)),
    (I.HeNormal(), numpy.sqrt(2 / 500)),
    (I.HeNormal(fan_option='fan_out'), numpy.sqrt(2 / 400)),
])
def test_normal_family_std(init, expected):
    std, _ = _std(init)
    assert std == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize('init, bound', [
    (I.Uniform(0.3), 0.3),
    (I.LeCunUniform(), numpy.sqrt(3 / 500)),
    (I.GlorotUniform(), numpy.sqrt(6 / 900)),
    (I.HeUniform(), numpy.sqrt(6 / 500)),
])
def test_uniform_family_bounds_and_std(init, bound):
    std, a = _std(init)
    assert a.min() >= -bound and a.max() <= bound
    assert a.max() > 0.99 * bound and a.min() < -0.99 * bound
    assert std == pytest.approx(bound / numpy.sqrt(3), rel=0.02)


def test_fans_include_the_receptive_field():
    assert I.get_fans((8, 3, 5, 5)) == (75, 200)
    std, _ = _std(I.LeCunNormal(), (64, 16, 3, 3))
    assert std == pytest.approx(numpy.sqrt(1 / 144), rel=0.05)


def test_fans_need_two_axes():
    with pytest.raises(ValueError, match='at least 2 axes'):
        gen(I.LeCunNormal(), (5,))
    with pytest.raises(ValueError, match="'fan_in' or 'fan_out'"):
        gen(I.HeNormal(fan_option='fan_mid'), (5, 5))


@pytest.mark.parametrize('shape', [(3, 7), (7, 3), (4, 2, 3, 3)])
def test_orthogonal(shape):
    a = gen(I.Orthogonal(scale=2.0), shape).reshape(shape[0], -1).astype(numpy.float64)
    small = min(a.shape)
    gram = a @ a.T if a.shape[0] <= a.shape[1] else a.T @ a
    numpy.testing.assert_allclose(gram, 4 * numpy.eye(small), atol=1e-5)


# ---- seeding and dtypes ----
@pytest.mark.parametrize('init', [I.Normal(), I.LeCunNormal(), I.GlorotUniform(),
                                  I.HeNormal(), I.Uniform(), I.Orthogonal()])
def test_seed_reproducible(init):
    chainfuse.set_random_seed(42)
    a = gen(init, (4, 5))
    b = gen(init, (4, 5))
    chainfuse.set_random_seed(42)
    numpy.testing.assert_array_equal(gen(init, (4, 5)), a)
    assert not numpy.array_equal(a, b)


def test_same_seed_same_values_in_every_dtype():
    chainfuse.set_random_seed(1)
    a32 = gen(I.Normal(1.0), (3, 4), dtype=numpy.float32)
    chainfuse.set_random_seed(1)
    a64 = gen(I.Normal(1.0), (3, 4), dtype=numpy.float64)
    numpy.testing.assert_array_equal(a32, a64.astype(numpy.float32))


def test_explicit_rng():
    a = gen(I.Normal(rng=numpy.random.default_rng(5)), (3,))
    b = gen(I.Normal(rng=numpy.random.default_rng(5)), (3,))
    numpy.testing.assert_array_equal(a, b)
    c = gen(I.Uniform(rng=numpy.random.RandomState(5)), (3,))
    assert c.shape == (3,)


def test_generate_array_dtypes():
    assert gen(I.Normal(), (2,)).dtype == numpy.float32
    assert gen(I.Normal(), 2).shape == (2,)
    assert gen(I.Normal(), (2,), dtype=numpy.float64).dtype == numpy.float64
    assert gen(I.Normal(dtype=numpy.float16), (2,)).dtype == numpy.float16
    with chainfuse.using_config('dtype', numpy.dtype(numpy.float64)):
        assert gen(I.Zero(), (2,)).dtype == numpy.float64
    with pytest.raises(ValueError, match='float64.*float16'):
        gen(I.Normal(dtype=numpy.float16), (2,), dtype=numpy.float64)


def test_initializer_checks_array_dtype():
    with pytest.raises(ValueError, match='float16'):
        I.Zero(numpy.float16)(numpy.empty(3, numpy.float32))


def test_get_initializer_specs():
    assert isinstance(I._get_initializer(None), I.LeCunNormal)
    assert isinstance(I._get_initializer(0), I.Constant)
    assert isinstance(I._get_initializer(numpy.ones(2)), I.Constant)
    init = I.HeNormal()
    assert I._get_initializer(init) is init
    with pytest.raises(TypeError, match='initializer'):
        I._get_initializer('zeros')


def test_user_initializer_fills_in_place():
    def twos(array):
        array[...] = 2

    assert (gen(twos, (2, 2)) == 2).all()


def test_init_weight_fills_a_view():
    w = numpy.zeros((4, 2), numpy.float32)
    I.init_weight(w[1::2], 3.0)
    numpy.testing.assert_array_equal(w[:, 0], [0, 3, 0, 3])


# ---- Parameter integration (Parameter calls generate_array and constant.NaN) ----
def test_parameter_initializers():
    p = Parameter(I.One(), (2, 3))
    assert p.array.shape == (2, 3) and (p.array == 1).all()
    assert p.dtype == numpy.float32
    q = Parameter(0, (3,))
    assert (q.array == 0).all()
    u = Parameter()
    assert not u.is_initialized
    u.initialize((2,))
    assert numpy.isnan(u.array).all()


@pytest.mark.parametrize('mode,shape,ok', [
    ('auto', (3, 7), True), ('auto', (7, 3), True),
    ('embedding', (7, 3), True), ('embedding', (3, 7), False),
    ('projection', (3, 7), True), ('projection', (7, 3), False),
    ('basis', (4, 2, 2), True), ('basis', (3, 4), False),
])
def test_orthogonal_mode_asserts_the_shape_as_chainer(mode, shape, ok):
    init = I.Orthogonal(mode=mode)
    if ok:
        a = gen(init, shape).reshape(shape[0], -1)
        assert numpy.isfinite(a).all()
    else:
        with pytest.raises(ValueError, match=f'orthogonal {mode} of shape'):
            gen(init, shape)


def test_orthogonal_rejects_an_unknown_mode_and_fills_a_scalar_with_plus_minus_scale():
    with pytest.raises(ValueError, match="invalid mode 'square'"):
        I.Orthogonal(mode='square')
    a = numpy.empty((), numpy.float32)
    I.Orthogonal(scale=2.0)(a)
    assert abs(float(a)) == 2.0


def test_sampling_filters_check_the_weight_shape():
    with pytest.raises(ValueError, match='in == out or out == 1'):
        gen(I.UpsamplingDeconvFilter(), (2, 3, 4, 4))
    with pytest.raises(ValueError, match='one size'):
        gen(I.DownsamplingConvFilter(), (2, 2, 3, 4))
    with pytest.raises(ValueError, match="only 'linear'"):
        I.UpsamplingDeconvFilter(interpolation='cubic')
    down = gen(I.DownsamplingConvFilter(), (3, 1, 3, 3))
    numpy.testing.assert_allclose(down.sum(axis=(2, 3)), 1.0)

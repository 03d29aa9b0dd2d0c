"""set_flush_denormal: denormal floats flushed to zero in the calling thread, eager and
compiled alike."""
import platform

import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import optimizers
from chainfuse.utils import denormal

X86 = platform.machine().lower() in ('x86_64', 'amd64')
TINY = numpy.float32(1e-38)         # normal; half of it is denormal


@pytest.fixture
def restore_mode():
    before = cf.flush_denormal()
    yield
    cf.set_flush_denormal(before)


@pytest.mark.skipif(not X86, reason='flushing denormals is supported on x86-64 only')
def test_flushing_turns_denormal_results_and_inputs_into_zero(restore_mode):
    half = numpy.array([TINY], 'float32') * numpy.float32(0.5)
    assert half[0] != 0 and not cf.flush_denormal()
    assert cf.set_flush_denormal(True) is True and cf.flush_denormal()
    assert (numpy.array([TINY], 'float32') * numpy.float32(0.5))[0] == 0     # FTZ
    assert (half + numpy.float32(0))[0] == 0                                  # DAZ
    assert cf.set_flush_denormal(False) is True and not cf.flush_denormal()
    assert (numpy.array([TINY], 'float32') * numpy.float32(0.5))[0] == half[0]


@pytest.mark.skipif(not X86, reason='flushing denormals is supported on x86-64 only')
@pytest.mark.parametrize('flush', [False, True])
def test_compiled_kernels_flush_as_eager_does(flush, restore_mode):
    cf.set_flush_denormal(flush)
    fn = cf.compile(lambda x: F.tanh(x * 0.5) + x * 0.25)
    x = cf.Variable(numpy.full((3, 4), TINY, 'float32'))
    got = fn(x).array
    with cf.eager():
        want = (F.tanh(x * 0.5) + x * 0.25).array
    numpy.testing.assert_array_equal(got, want)
    assert (got[0, 0] == 0) == flush


@pytest.mark.skipif(not X86, reason='flushing denormals is supported on x86-64 only')
def test_a_compiled_adam_step_matches_eager_while_flushing(restore_mode):
    cf.set_flush_denormal(True)
    models = []
    for _ in range(2):
        numpy.random.seed(0)
        m = L.Classifier(cf.Sequential(L.Linear(4, 8), F.relu, L.Linear(8, 3)))
        opt = optimizers.Adam(alpha=0.05)
        opt.setup(m)
        models.append((m, opt))
    (m1, o1), (m2, o2) = models
    step = cf.compile_step(o2)
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((6, 4)).astype('float32')
    t = rng.integers(0, 3, 6).astype('int32')
    for _ in range(30):
        o1.update(m1, x, t)
        step(x, t)
    for (name, p1), (_, p2) in zip(sorted(m1.namedparams()), sorted(m2.namedparams())):
        numpy.testing.assert_allclose(p2.array, p1.array, rtol=1e-5, atol=1e-6, err_msg=name)
        for key in p1.update_rule.state:
            numpy.testing.assert_allclose(p2.update_rule.state[key], p1.update_rule.state[key],
                                          rtol=1e-4, atol=1e-7, err_msg=f'{name} {key}')


def test_unsupported_processors_say_so_and_change_nothing(monkeypatch):
    monkeypatch.setattr(denormal, '_access', None)
    monkeypatch.setattr(platform, 'machine', lambda: 'aarch64')
    assert cf.set_flush_denormal(True) is False
    assert cf.flush_denormal() is False

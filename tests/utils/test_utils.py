"""chainfuse.utils: Chainer's helpers, checked against numbers Chainer 7.8.1 recorded
(tests/data/chainer7/utils.npz, written by make_api_fixtures.py)."""
import os
import warnings

import numpy
import pytest

import chainfuse as chainer
from chainfuse import utils

DATA = numpy.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'chainer7',
                               'utils.npz'))


def test_walker_alias_draws_what_chainer_draws_from_numpys_generator():
    numpy.random.seed(0)
    sampler = utils.WalkerAlias(DATA['walker_probs'])
    numpy.testing.assert_array_equal(sampler.threshold, DATA['walker_threshold'])
    numpy.testing.assert_array_equal(sampler.values, DATA['walker_values'])
    numpy.testing.assert_array_equal(sampler.sample((4, 50)), DATA['walker_samples'])
    assert isinstance(sampler, chainer.DeviceResident)
    assert sampler.to_cpu() is sampler and sampler.use_gpu is False
    with pytest.raises(ValueError, match='non-negative'):
        utils.WalkerAlias([0.5, -1.0])


def test_to_coo_matches_chainer():
    coo = utils.to_coo(DATA['coo_dense'])
    numpy.testing.assert_array_equal(coo.data.array, DATA['coo_data'])
    numpy.testing.assert_array_equal(coo.row, DATA['coo_row'])
    numpy.testing.assert_array_equal(coo.col, DATA['coo_col'])
    numpy.testing.assert_array_equal(coo.to_dense(), DATA['coo_dense'])
    assert coo.order == 'C' and coo.shape == (2, 3)
    single = utils.to_coo(DATA['coo_dense'][1], ldnz=4, requires_grad=True)
    assert single.row.tolist() == [0, 0, -1, -1] and single.col.tolist() == [0, 2, -1, -1]
    assert single.data.requires_grad and single.data.shape == (4,)
    numpy.testing.assert_array_equal(single.to_dense(), DATA['coo_dense'][1])


@pytest.mark.parametrize('row, col, order', [
    ([0, 0, 1], [0, 2, 1], 'C'), ([0, 1, 0], [0, 0, 1], 'F'), ([1, 0], [0, 1], 'F'),
    ([1, 0], [1, 0], 'other'),
    ([0, 1, -1], [1, 0, -1], 'C'), ([0, -1], [0, 1], 'other')])
def test_get_order(row, col, order):
    assert utils.get_order(numpy.array(row), numpy.array(col)) == order


def test_coo_matrix_checks_its_arguments():
    a = numpy.zeros(2, numpy.float32)
    with pytest.raises(ValueError, match='same ndim'):
        utils.CooMatrix(a, numpy.zeros((1, 2), numpy.int32), a, (2, 2))
    with pytest.raises(ValueError, match='two positive sizes'):
        utils.CooMatrix(a, a, a, (2, 0))
    with pytest.raises(ValueError, match="order must be 'C'"):
        utils.CooMatrix(a, a, a, (2, 2), order='X')


def test_output_sizes_match_chainer():
    args = [tuple(int(v) for v in a) for a in DATA['outsize_args']]
    assert [utils.get_conv_outsize(*a) for a in args] == DATA['conv_outsize'].tolist()
    assert [utils.get_deconv_outsize(*a) for a in args] == DATA['deconv_outsize'].tolist()


def test_array_helpers():
    assert utils.force_array(3.0).shape == () and utils.force_array(3, numpy.float32).dtype \
        == numpy.float32
    a = numpy.ones(2, numpy.float32)
    assert utils.force_array(a) is a and utils.force_type(numpy.dtype('f'), a) is a
    assert utils.force_type(numpy.dtype('f8'), 2).dtype == numpy.float64
    assert utils.size_of_shape((2, 3, 4)) == 24 and type(utils.size_of_shape(())) is int
    x = numpy.arange(24.0).reshape(2, 3, 4)
    numpy.testing.assert_array_equal(utils.sum_to(x, (3, 1)), x.sum(0).sum(1, keepdims=True))
    assert utils.sum_to(x, (2, 3, 4)) is x
    with pytest.raises(TypeError, match='F.sum_to|functions.sum_to'):
        utils.sum_to(chainer.Variable(x), (1,))


def test_final_methods_cannot_be_overridden():
    class Base(utils.enable_final()):
        @utils.final
        def step(self):
            return 1

        @utils.final(action=UserWarning)
        def soft(self):
            return 2

    with pytest.raises(TypeError, match="overrides the method 'step', which is final"):
        class Bad(Base):
            def step(self):
                return 3
    with pytest.warns(UserWarning, match="final method 'soft'"):
        class Warned(Base):
            def soft(self):
                return 4
    assert Warned().soft() == 4


def test_experimental_and_nondeterministic_warnings(monkeypatch):
    with pytest.warns(FutureWarning, match='f is experimental'):
        utils.experimental('f')
    monkeypatch.setattr(chainer, 'disable_experimental_feature_warning', True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        utils.experimental('f')
        utils.nondeterministic('g')
    with chainer.using_config('warn_nondeterministic', True):
        with pytest.warns(UserWarning, match='Source: g'):
            utils.nondeterministic('g')


def test_tempdir_is_removed():
    with utils.tempdir(prefix='cf') as path:
        assert os.path.isdir(path) and os.path.basename(path).startswith('cf')
    assert not os.path.exists(path)

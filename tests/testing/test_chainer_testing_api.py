"""Chainer's chainer.testing API under chainfuse: parameterized classes are generated
into this module (and collected), conditions retry, random numbers are fixed."""
import sys
import unittest
import warnings

import numpy
import pytest

import chainfuse as chainer
from chainfuse import testing
from chainfuse.testing import attr, condition

SEEN = []


@testing.parameterize(*testing.product({'a': [1, 2], 'b,c': [(3, 4)]}))
class TestParameterized(unittest.TestCase):

    def test_has_its_parameters(self):
        assert self.b == 3 and self.c == 4 and self.a in (1, 2)
        SEEN.append(self.a)


@testing.inject_backend_tests(['test_device'], [{}, {'use_cuda': True}])
class TestBackends(unittest.TestCase):

    def test_device(self, backend_config):
        with backend_config:
            x = backend_config.get_array(numpy.ones(2, numpy.float32))
            assert backend_config.xp.__name__ in ('numpy', 'cupy')
            assert isinstance(x, backend_config.xp.ndarray)
            assert chainer.config.use_cudnn == 'never'

    def test_untouched(self):
        pass


def test_parameterize_generates_named_classes_into_the_module():
    module = sys.modules[__name__]
    names = sorted(n for n in vars(module) if n.startswith('TestParameterized_'))
    assert names == ['TestParameterized_param_0_{a=1, b=3, c=4}',
                     'TestParameterized_param_1_{a=2, b=3, c=4}']
    assert isinstance(module.TestParameterized, testing._bundle.Bundle)
    result = unittest.TestResult()
    for name in names:
        unittest.defaultTestLoader.loadTestsFromTestCase(getattr(module, name)).run(result)
    assert result.wasSuccessful() and sorted(SEEN[-2:]) == [1, 2]


def test_failure_names_the_parameters():
    @testing.parameterize({'n': 5})
    class Failing(unittest.TestCase):
        def test_fails(self):
            assert self.n == 6
    cls = Failing.cases[0].klass
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(cls).run(result)
    assert 'Test parameters:\n  n: 5' in result.failures[0][1]
    delattr(sys.modules[__name__], cls.__name__)


def test_backend_injection_one_class_per_config():
    module = sys.modules[__name__]
    names = sorted(n for n in vars(module) if n.startswith('TestBackends'))
    assert len(names) == 3          # the other methods, then one class per config
    cpu = [n for n in names if 'use_cuda_false' in n][0]
    assert getattr(module, cpu).test_untouched is None
    config = testing.BackendConfig({'use_cuda': False})
    assert config.device is chainer.backend.CPU and 'use_cudnn_never' in config.get_func_str()
    with pytest.raises(ValueError, match='unknown parameter'):
        testing.BackendConfig({'use_tpu': True})


def test_product_and_product_dict():
    assert testing.product({'x': [1, 2], 'y': ['a']}) == [{'x': 1, 'y': 'a'},
                                                         {'x': 2, 'y': 'a'}]
    assert testing.product([[{'x': 1}], [{'y': 2}, {'y': 3}]]) == [{'x': 1, 'y': 2},
                                                                   {'x': 1, 'y': 3}]
    assert testing.product_dict([{'a': 1}, {'a': 2}], [{'b': 0}]) == [{'a': 1, 'b': 0},
                                                                      {'a': 2, 'b': 0}]
    assert testing.from_pytest_parameterize('a,b', [(1, 2)]) == [{'a': 1, 'b': 2}]
    with pytest.raises(TypeError, match='dict or a list'):
        testing.product(3)


class Flaky(unittest.TestCase):
    """Passes from its third run on (its methods are run by the test below)."""
    runs = []

    def attempt(self):
        self.runs.append(1)
        assert len(self.runs) >= 3

    retried = condition.retry(5)(attempt)
    repeated = condition.repeat(3)(attempt)
    two_of_four = condition.repeat_with_success_at_least(4, 2)(attempt)


@pytest.mark.parametrize('method, passes, runs', [
    ('retried', True, 3), ('repeated', False, 1), ('two_of_four', True, 4)])
def test_conditions_run_the_test_again(method, passes, runs):
    Flaky.runs = []
    result = unittest.TestResult()
    Flaky(method).run(result)
    assert result.wasSuccessful() is passes and len(Flaky.runs) == runs
    if not passes:
        assert 'Fail: 1, Success: 0' in result.failures[0][1]


def test_fix_random_makes_draws_repeatable():
    class Case(unittest.TestCase):
        draws = []

        @testing.fix_random()
        def test_draw(self):
            self.draws.append((numpy.random.rand(), testing.generate_seed()))
    before = numpy.random.get_state()[1].copy()
    for _ in range(2):
        Case('test_draw').run(unittest.TestResult())
    assert Case.draws[0] == Case.draws[1]
    numpy.testing.assert_array_equal(numpy.random.get_state()[1], before)   # restored
    with pytest.raises(RuntimeError, match='not fixed'):
        testing.generate_seed()


def _marks(decorator):
    def f():
        pass
    return {m.name for m in decorator(f).pytestmark}


def test_attr_marks():
    assert _marks(attr.gpu) == {'gpu', 'skipif'} == _marks(attr.multi_gpu(2))
    assert _marks(attr.slow) == {'slow'}
    assert _marks(attr.chainerx) == {'chainerx', 'skip'} == _marks(attr.chainerx())
    assert _marks(attr.cudnn) == {'cudnn', 'skipif'}
    assert attr.is_available() and attr.get_error() is None


def test_helpers():
    with testing.assert_warns(DeprecationWarning):
        warnings.warn('old', DeprecationWarning)
    with pytest.raises(AssertionError, match='UserWarning not triggered'):
        with testing.assert_warns(UserWarning):
            pass
    assert testing.with_requires('numpy>=1.0')(lambda: 1)() == 1
    with pytest.raises(unittest.SkipTest, match='requires: numpy<1.0'):
        testing.with_requires('numpy<1.0')(lambda: 1)()
    with pytest.raises(unittest.SkipTest):
        testing.without_requires('numpy')(lambda: 1)()
    with testing.patch('numpy.linalg.norm') as norm:
        assert float(numpy.linalg.norm(numpy.ones(4))) == 2.0     # the real one, wrapped
    assert norm.call_count == 1
    m = testing.generate_matrix((3, 2), singular_values=[2.0, 0.5])
    numpy.testing.assert_allclose(numpy.linalg.svd(m, compute_uv=False), [2.0, 0.5])
    with pytest.raises(ValueError, match='too few axes'):
        testing.generate_matrix((3,), singular_values=[1.0])


def test_save_and_load_and_mock_trainer():
    src, dst = chainer.links.Linear(2, 3), chainer.links.Linear(2, 3)
    testing.save_and_load_npz(src, dst)
    numpy.testing.assert_array_equal(dst.W.array, src.W.array)
    trainer = testing.get_trainer_with_mock_updater((5, 'iteration'), iter_per_epoch=2)
    trainer.run()
    assert trainer.updater.iteration == 5 and trainer.updater.epoch == 2
    assert trainer.updater.update_core.call_count == 5
    testing.run_module('not_main', __file__)         # only runs as __main__

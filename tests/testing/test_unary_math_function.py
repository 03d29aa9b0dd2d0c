"""unary_math_function_unittest generates working tests for chainfuse's F.sin, F.exp
and F.sqrt (positive inputs), and their generated tests catch a wrong function."""
import sys
import unittest

import numpy
import pytest

import chainfuse.functions as F
from chainfuse import testing


@testing.unary_math_function_unittest(F.sin)
class TestSin(unittest.TestCase):
    pass


@testing.unary_math_function_unittest(F.exp)
class TestExp(unittest.TestCase):
    pass


def _positive(shape, dtype):
    return (numpy.random.uniform(0.5, 1.5, shape).astype(dtype),
            numpy.random.uniform(-1, 1, shape).astype(dtype),
            numpy.random.uniform(-1, 1, shape).astype(dtype))


@testing.unary_math_function_unittest(F.sqrt, make_data=_positive)
class TestSqrt(unittest.TestCase):
    pass


def test_six_classes_per_function_with_six_tests_each():
    module = sys.modules[__name__]
    names = [n for n in vars(module) if n.startswith('TestSin_param_')]
    assert len(names) == 6
    tests = unittest.defaultTestLoader.getTestCaseNames(getattr(module, names[0]))
    assert sorted(tests) == sorted(f'test_{k}_{d}' for k in ('forward', 'backward',
                                                             'double_backward')
                                   for d in ('cpu', 'gpu'))


def test_a_wrong_function_fails():
    def sin(x):                     # named sin, computes cos
        return F.cos(x)

    @testing.unary_math_function_unittest(sin)
    class Wrong(unittest.TestCase):
        pass
    cls = Wrong.cases[2].klass      # float32, shape (3, 2)
    result = unittest.TestResult()
    cls('test_forward_cpu').run(result)
    assert len(result.failures) == 1 and 'not close' in result.failures[0][1]
    for case in Wrong.cases:
        delattr(sys.modules[__name__], case.class_name)


def test_numpy_must_know_the_function():
    def no_such_function(x):
        return x
    with pytest.raises(ValueError, match='NumPy has no function'):
        testing.unary_math_function_unittest(no_such_function)

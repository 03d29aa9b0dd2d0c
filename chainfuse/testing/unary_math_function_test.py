"""``testing.unary_math_function_unittest``: a unary elementwise function tested forward,
backward and double backward over shapes and float dtypes, from one decorator."""
import unittest

import numpy

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.testing import attr
from chainfuse.testing.arrays import assert_allclose
from chainfuse.testing.parameterized import parameterize, product


def _make_data_default(shape, dtype):
    return tuple(numpy.random.uniform(-1, 1, shape).astype(dtype, copy=False)
                 for _ in range(3))


def _tolerances(dtype):
    if dtype == numpy.float16:
        eps = float(numpy.finfo('float16').eps)
        loose = {'eps': 2 ** -4, 'atol': 2 ** -4, 'rtol': 2 ** -4, 'dtype': numpy.float64}
        return {'atol': eps, 'rtol': eps}, dict(loose), dict(loose)
    tight = {'dtype': numpy.float64, 'atol': 1e-4, 'rtol': 1e-4}
    return {'atol': 1e-4, 'rtol': 1e-4}, dict(tight), dict(tight)


def unary_math_function_unittest(func, func_expected=None, label_expected=None,
                                 make_data=None, is_linear=None, forward_options=None,
                                 backward_options=None, double_backward_options=None):
    """Class decorator: ``@unary_math_function_unittest(F.sin)`` on an empty
    ``unittest.TestCase`` makes it test `func` against `func_expected` (default: the
    numpy function of the same name) for shapes (3, 2) and () and dtypes float16, 32
    and 64, on the CPU and (``attr.gpu``) the GPU: forward values and dtype, and
    gradients against numerical ones.  `make_data(shape, dtype)` returns
    ``(x, gy, ggx)``; the options update the preset tolerances.  (`label_expected`
    and `is_linear` are accepted for Chainer's code; chainfuse functions have no
    Function class whose label could be checked.)"""
    from chainfuse import gradient_check
    name = getattr(func, '__name__', type(func).__name__.lower())
    if func_expected is None:
        func_expected = getattr(numpy, name, None)
        if func_expected is None:
            raise ValueError(f'unary_math_function_unittest: NumPy has no function {name!r}; '
                             'pass func_expected=')
    make_data = make_data or _make_data_default

    def decorate(klass):
        if not issubclass(klass, unittest.TestCase):
            raise TypeError('unary_math_function_unittest decorates a unittest.TestCase')

        def setUp(self):
            self.x, self.gy, self.ggx = make_data(self.shape, self.dtype)
            self.forward_options, self.backward_options, self.double_backward_options = \
                _tolerances(self.dtype)
            self.forward_options.update(forward_options or {})
            self.backward_options.update(backward_options or {})
            self.double_backward_options.update(double_backward_options or {})

        def check_forward(self, x_data):
            y = func(Variable(x_data))
            self.assertEqual(y.array.dtype, x_data.dtype)
            expected = func_expected(backend.to_cpu(x_data), dtype=x_data.dtype)
            assert_allclose(expected, y.array, **self.forward_options)

        def check_backward(self, x_data, gy):
            gradient_check.check_backward(func, x_data, gy, **self.backward_options)

        def check_double_backward(self, x_data, gy, ggx):
            gradient_check.check_double_backward(func, x_data, gy, ggx,
                                                 **self.double_backward_options)

        def make_test(name, check, names, to_device):
            def test(self):
                getattr(self, check)(*[to_device(getattr(self, n)) for n in names])
            test.__name__ = test.__qualname__ = name
            return test

        members = {'setUp': setUp, 'check_forward': check_forward,
                   'check_backward': check_backward,
                   'check_double_backward': check_double_backward}
        for kind, check, names in (('forward', 'check_forward', ('x',)),
                                   ('backward', 'check_backward', ('x', 'gy')),
                                   ('double_backward', 'check_double_backward',
                                    ('x', 'gy', 'ggx'))):
            members[f'test_{kind}_cpu'] = make_test(f'test_{kind}_cpu', check, names,
                                                    lambda a: a)
            members[f'test_{kind}_gpu'] = attr.gpu(make_test(f'test_{kind}_gpu', check, names,
                                                             backend.to_gpu))
        for key, value in members.items():
            setattr(klass, key, value)
        return parameterize(*product({'shape': [(3, 2), ()],
                                      'dtype': [numpy.float16, numpy.float32,
                                                numpy.float64]}))(klass)
    return decorate

"""FunctionTestCase and LinkTestCase check a correct function or link and catch wrong
forwards, wrong gradients and inputs modified in place."""
import unittest

import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import testing


@testing.inject_backend_tests(None, [{}, {'use_cuda': True}])
class TestTanh(testing.FunctionTestCase):

    def setUp(self):
        self.check_backward_options = {'atol': 1e-4, 'rtol': 1e-3}
        self.check_double_backward_options = {'atol': 1e-3, 'rtol': 1e-2}

    def generate_inputs(self):
        return numpy.random.uniform(-1, 1, (3, 2)).astype(numpy.float32),

    def forward(self, inputs, device):
        return F.tanh(inputs[0]),

    def forward_expected(self, inputs):
        return numpy.tanh(inputs[0]),


@testing.inject_backend_tests(None, [{}])
class TestAbsDodgingTheKink(testing.FunctionTestCase):
    dodge_nondifferentiable = True
    skip_double_backward_test = True

    def generate_inputs(self):
        return numpy.random.uniform(-0.01, 0.01, (4,)).astype(numpy.float64),

    def forward(self, inputs, device):
        return F.absolute(inputs[0]),

    def forward_expected(self, inputs):
        return numpy.abs(inputs[0]),


@testing.inject_backend_tests(None, [{}])
class TestLinear(testing.LinkTestCase):
    param_names = ('W', 'b')

    def setUp(self):
        self.check_backward_options = {'atol': 1e-4, 'rtol': 1e-3}

    def generate_params(self):
        return (numpy.random.uniform(-1, 1, (2, 3)).astype(numpy.float32),
                numpy.random.uniform(-1, 1, (2,)).astype(numpy.float32))

    def create_link(self, initializers):
        w, b = initializers
        return L.Linear(3, 2, initialW=w, initial_bias=b)

    def generate_inputs(self):
        return numpy.random.uniform(-1, 1, (4, 3)).astype(numpy.float32),

    def forward_expected(self, link, inputs):
        return inputs[0].dot(link.W.array.T) + link.b.array,


class WrongGrad(chainer.FunctionNode):
    def forward(self, inputs):
        return inputs[0] * 2,

    def backward(self, indexes, grad_outputs):
        return grad_outputs[0] * 3,


class InPlace(chainer.FunctionNode):
    def forward(self, inputs):
        inputs[0][...] = 0
        return inputs[0] + 1,


class Broken(testing.FunctionTestCase):
    """Run by the test below with a wrong function (not collected itself)."""
    __test__ = False
    make = None

    def generate_inputs(self):
        return numpy.ones((2,), numpy.float32),

    def forward(self, inputs, device):
        return self.make().apply(inputs)

    def forward_expected(self, inputs):
        return inputs[0] * 2,


@pytest.mark.parametrize('make, method, message', [
    (WrongGrad, 'test_backward', 'backward is not implemented correctly'),
    (InPlace, 'test_forward', 'were modified by the forward'),
])
def test_a_wrong_function_fails_with_the_reason(make, method, message):
    Broken.make = staticmethod(make)
    case = Broken(method)
    with pytest.raises(testing.FunctionTestError, match=message):
        getattr(case, method)()


def test_wrong_expected_values_fail_forward():
    class Bad(testing.FunctionTestCase):
        __test__ = False

        def generate_inputs(self):
            return numpy.ones((2,), numpy.float32),

        def forward(self, inputs, device):
            return inputs[0] * 2,

        def forward_expected(self, inputs):
            return inputs[0] * 3,
    with pytest.raises(testing.FunctionTestError, match='do not match the expected'):
        Bad('test_forward').test_forward()


def test_the_bases_are_not_collected_as_tests():
    generated = TestTanh.cases[0].klass
    assert testing.FunctionTestCase.__test__ is False and generated.__test__ is True
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(generated).run(result)
    assert result.testsRun == 3 and result.wasSuccessful(), result.failures + result.errors

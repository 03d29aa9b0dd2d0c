"""``testing.FunctionTestCase`` and ``LinkTestCase``: Chainer's harness for testing a
function or a link forward, backward and (functions) double backward.

A subclass writes how to make inputs and what the outputs should be; the harness
checks the rest.  Combined with `inject_backend_tests`, each check runs per backend::

    @testing.inject_backend_tests(None, [{}, {'use_cuda': True}])
    class TestSquare(testing.FunctionTestCase):
        def generate_inputs(self):
            return numpy.random.uniform(-1, 1, (3, 2)).astype(numpy.float32),

        def forward(self, inputs, device):
            x, = inputs
            return x * x,

        def forward_expected(self, inputs):
            x, = inputs
            return x * x,

``test_forward`` compares ``forward`` on the backend with ``forward_expected`` on
numpy (``check_forward_options``: atol, rtol for `assert_allclose`) and fails if the
forward modified its inputs; ``test_backward`` and ``test_double_backward`` compare the
gradients with numerical ones (`chainfuse.gradient_check`, with
``check_backward_options``/``check_double_backward_options``; in ``numerical_grad_dtype``;
``dodge_nondifferentiable`` draws new inputs while a point is too near a kink).  A
mismatch raises `FunctionTestError` (`LinkTestError`) with the reason.  Inputs are
passed as they are generated (Chainer also tries non-contiguous copies when
``contiguous`` is None; chainfuse checks only the arrays given).
"""
import contextlib
import unittest

import numpy

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.testing.arrays import assert_allclose


class _TestError(AssertionError):
    @classmethod
    def check(cls, expr, message):
        if not expr:
            raise cls(message)

    @classmethod
    def fail(cls, message, exc=None):
        if exc is not None:
            raise cls(f'{message}\n\n(caused by)\n{type(exc).__name__}: {exc}') from exc
        raise cls(message)

    @classmethod
    @contextlib.contextmanager
    def raise_if_fail(cls, message, error_types=AssertionError):
        try:
            yield
        except error_types as e:
            cls.fail(message, e)


class FunctionTestError(_TestError):
    """The function under test is implemented incorrectly."""


class LinkTestError(_TestError):
    """The link under test is implemented incorrectly."""


class InitializerArgument:
    """A link constructor argument (`argument_value`) and the initializer the link is
    expected to use for it (`expected_initializer`), where they differ (None -> the
    link's default)."""

    def __init__(self, argument_value, expected_initializer):
        if expected_initializer is None:
            raise ValueError('InitializerArgument: expected_initializer cannot be None')
        self.argument_value = argument_value
        self.expected_initializer = expected_initializer


def _check_cpu_arrays(arrays, what, error):
    if not isinstance(arrays, tuple):
        raise TypeError(f'{what} must return a tuple of numpy arrays, got '
                        f'{type(arrays).__name__}')
    for a in arrays:
        if not isinstance(a, numpy.ndarray):
            raise TypeError(f'{what} must return numpy arrays, got {type(a).__name__}')


def _check_outputs(outputs, device, error):
    if not isinstance(outputs, tuple) or not all(isinstance(y, Variable) for y in outputs):
        error.fail(f'forward must return a tuple of Variables, got {outputs!r}')
    for y in outputs:
        if backend.get_device_from_array(y.array) != device:
            error.fail(f'forward returned an array on {backend.get_device_from_array(y.array)}'
                       f' for inputs on {device}')


def _check_arrays_equal(actual, expected, error, **options):
    if len(actual) != len(expected):
        error.fail(f'number of outputs ({len(actual)}, expected {len(expected)}) differs')
    for i, (a, e) in enumerate(zip(actual, expected)):
        if a.shape != e.shape or a.dtype != e.dtype:
            error.fail(f'output {i}: shape {a.shape} and dtype {a.dtype}, expected '
                       f'{e.shape} and {e.dtype}')
    failures = []
    for i, (a, e) in enumerate(zip(actual, expected)):
        try:
            assert_allclose(a, e, **options)
        except AssertionError as exc:
            failures.append(f'output {i}:\n{exc}')
    if failures:
        error.fail('Outputs do not match the expected values.\n' + '\n'.join(failures))


def _random_like(templates):
    return tuple(numpy.random.uniform(-1, 1, a.shape).astype(a.dtype) for a in templates)


def _retry_kinks(dodge, check):
    from chainfuse import gradient_check
    for _ in range(100):
        try:
            return check()
        except gradient_check.NondifferentiableError:
            if not dodge:
                raise
    raise AssertionError('no differentiable point found in 100 draws of the inputs')


class _HarnessCase(unittest.TestCase):
    """What FunctionTestCase and LinkTestCase share: the class attributes, the options
    dicts, and the start of every test (skip, backend, ``before_test``)."""

    __test__ = False        # the bases themselves are not tests; their subclasses are
    backend_config = None
    dodge_nondifferentiable = False
    numerical_grad_dtype = numpy.float64
    contiguous = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if '__test__' not in vars(cls) and not cls.__name__.startswith('_') and \
                cls.__module__ != __name__:
            cls.__test__ = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_forward_options = {}
        self.check_backward_options = {}
        self.check_double_backward_options = {}

    def before_test(self, test_name):
        pass

    def _start(self, backend_config, name, skip):
        if skip:
            raise unittest.SkipTest(f'skip_{name[5:]}_test is set')
        if backend_config is None:
            from chainfuse.testing.backend import BackendConfig
            backend_config = BackendConfig({})
        self.backend_config = backend_config
        self.test_name = name
        self.before_test(name)
        return backend_config


class FunctionTestCase(_HarnessCase):
    """Base of function tests (module docstring).  Override ``generate_inputs()``,
    ``forward(inputs, device)`` and ``forward_expected(inputs)``; optionally
    ``generate_grad_outputs``, ``generate_grad_grad_inputs`` and ``before_test``."""

    skip_forward_test = False
    skip_backward_test = False
    skip_double_backward_test = False

    def generate_inputs(self):
        raise NotImplementedError('generate_inputs() is not implemented')

    def forward(self, inputs, device):
        raise NotImplementedError('forward() is not implemented')

    def forward_expected(self, inputs):
        raise NotImplementedError('forward_expected() is not implemented')

    def generate_grad_outputs(self, outputs_template):
        return _random_like(outputs_template)

    def generate_grad_grad_inputs(self, inputs_template):
        return _random_like(inputs_template)

    def check_forward_outputs(self, outputs, expected_outputs):
        _check_arrays_equal(outputs, expected_outputs, FunctionTestError,
                            **self.check_forward_options)

    def _inputs(self):
        inputs = self.generate_inputs()
        _check_cpu_arrays(inputs, 'generate_inputs', FunctionTestError)
        return inputs

    def _expected(self, inputs):
        outputs = self.forward_expected(inputs)
        _check_cpu_arrays(outputs, 'forward_expected', FunctionTestError)
        return outputs

    def _forward(self, inputs, backend_config):
        with backend_config:
            outputs = self.forward(inputs, backend_config.device)
        _check_outputs(outputs, backend_config.device, FunctionTestError)
        return outputs

    def test_forward(self, backend_config=None):
        config = self._start(backend_config, 'test_forward', self.skip_forward_test)
        cpu_inputs = self._inputs()
        originals = [a.copy() for a in cpu_inputs]
        expected = self._expected(cpu_inputs)
        inputs = config.get_array(cpu_inputs)
        outputs = self._forward(tuple(Variable(a, requires_grad=a.dtype.kind == 'f')
                                      for a in inputs), config)
        changed = [i for i, (a, b) in enumerate(zip(originals, inputs))
                   if not numpy.array_equal(a, backend.to_cpu(b), equal_nan=True)]
        FunctionTestError.check(not changed, f'input arrays {changed} were modified by the '
                                             'forward')
        self.check_forward_outputs(tuple(backend.to_cpu(y.array) for y in outputs), expected)

    def test_backward(self, backend_config=None):
        config = self._start(backend_config, 'test_backward', self.skip_backward_test)
        from chainfuse import gradient_check

        def check():
            inputs = self._inputs()
            grad_outputs = self.generate_grad_outputs(self._expected(inputs))
            with FunctionTestError.raise_if_fail('backward is not implemented correctly'):
                gradient_check.check_backward(
                    lambda *xs: self._forward(xs, config), config.get_array(inputs),
                    config.get_array(grad_outputs), dtype=self.numerical_grad_dtype,
                    detect_nondifferentiable=self.dodge_nondifferentiable,
                    **self.check_backward_options)
        _retry_kinks(self.dodge_nondifferentiable, check)

    def test_double_backward(self, backend_config=None):
        config = self._start(backend_config, 'test_double_backward',
                             self.skip_double_backward_test)
        from chainfuse import gradient_check

        def check():
            inputs = self._inputs()
            grad_outputs = self.generate_grad_outputs(self._expected(inputs))
            ggx = [g for g in self.generate_grad_grad_inputs(inputs)
                   if g is None or g.dtype.kind == 'f']
            with config, FunctionTestError.raise_if_fail(
                    'double backward is not implemented correctly'):
                gradient_check.check_double_backward(
                    lambda *xs: self._forward(xs, config), config.get_array(inputs),
                    config.get_array(grad_outputs), config.get_array(tuple(ggx)),
                    dtype=self.numerical_grad_dtype,
                    detect_nondifferentiable=self.dodge_nondifferentiable,
                    **self.check_double_backward_options)
        _retry_kinks(self.dodge_nondifferentiable, check)


class LinkTestCase(_HarnessCase):
    """Base of link tests.  Override ``generate_params()`` (the initializers passed to
    ``create_link``), ``create_link(initializers)``, ``generate_inputs()`` and
    ``forward_expected(link, inputs)``; ``forward(link, inputs, device)`` calls the
    link by default; ``param_names`` are the parameters whose gradients
    ``test_backward`` checks with the inputs'."""

    param_names = ()
    skip_forward_test = False
    skip_backward_test = False

    def generate_params(self):
        raise NotImplementedError('generate_params() is not implemented')

    def generate_inputs(self):
        raise NotImplementedError('generate_inputs() is not implemented')

    def create_link(self, initializers):
        raise NotImplementedError('create_link() is not implemented')

    def forward(self, link, inputs, device):
        outputs = link(*inputs)
        return outputs if isinstance(outputs, tuple) else (outputs,)

    def forward_expected(self, link, inputs):
        raise NotImplementedError('forward_expected() is not implemented')

    def generate_grad_outputs(self, outputs_template):
        return _random_like(outputs_template)

    def check_forward_outputs(self, outputs, expected_outputs):
        _check_arrays_equal(outputs, expected_outputs, LinkTestError,
                            **self.check_forward_options)

    def _link(self, config):
        from chainfuse.links.link import Link
        inits = self.generate_params()
        if not isinstance(inits, (tuple, list)):
            raise TypeError('generate_params must return a tuple or a list')
        inits = [i.argument_value if isinstance(i, InitializerArgument) else i for i in inits]
        link = self.create_link(inits)
        if not isinstance(link, Link):
            raise TypeError(f'create_link must return a Link, got {type(link).__name__}')
        return link.to_device(config.device)

    def _forward(self, link, inputs, config):
        with config:
            outputs = self.forward(link, inputs, config.device)
        _check_outputs(outputs, config.device, LinkTestError)
        return outputs

    def test_forward(self, backend_config=None):
        config = self._start(backend_config, 'test_forward', self.skip_forward_test)
        link = self._link(config)
        cpu_inputs = self.generate_inputs()
        _check_cpu_arrays(cpu_inputs, 'generate_inputs', LinkTestError)
        outputs = self._forward(link, tuple(Variable(a) for a in config.get_array(cpu_inputs)),
                                config)
        outputs = tuple(backend.to_cpu(y.array) for y in outputs)
        link.to_device(backend.CPU)
        expected = self.forward_expected(link, cpu_inputs)
        _check_cpu_arrays(expected, 'forward_expected', LinkTestError)
        self.check_forward_outputs(outputs, expected)

    def test_backward(self, backend_config=None):
        config = self._start(backend_config, 'test_backward', self.skip_backward_test)
        from chainfuse import gradient_check

        def check():
            link = self._link(config)
            cpu_inputs = self.generate_inputs()
            _check_cpu_arrays(cpu_inputs, 'generate_inputs', LinkTestError)
            inputs = config.get_array(cpu_inputs)
            outputs = self._forward(link, tuple(Variable(a) for a in inputs), config)
            grad_outputs = self.generate_grad_outputs(
                tuple(backend.to_cpu(y.array) for y in outputs))
            params = []
            for name in self.param_names:
                param = getattr(link, name, None)
                LinkTestError.check(param is not None,
                                    f'the link has no parameter {name!r} (param_names)')
                params.append(param)
            link.cleargrads()
            with LinkTestError.raise_if_fail('backward is not implemented correctly'):
                gradient_check.check_backward(
                    lambda *xs: self._forward(link, xs, config), inputs,
                    config.get_array(grad_outputs), params=tuple(params),
                    dtype=self.numerical_grad_dtype,
                    detect_nondifferentiable=self.dodge_nondifferentiable,
                    **self.check_backward_options)
        _retry_kinks(self.dodge_nondifferentiable, check)

"""Devices and array modules.  GPU requests on a machine without CuPy must raise
DeviceUnavailableError with a message that says what to do."""
import numpy
import pytest

import chainfuse as chainer
from chainfuse import backend, Variable

no_cupy = pytest.mark.skipif(backend.cupy is not None, reason='CuPy is installed here')


def test_get_array_module_of_arrays_and_variables():
    a = numpy.ones(2)
    assert backend.get_array_module(a) is numpy
    assert backend.get_array_module(Variable(a)) is numpy
    assert backend.get_array_module() is numpy


@pytest.mark.parametrize('spec', ['@numpy', -1, None, 'native', 'cpu', numpy.int64(-1)])
def test_cpu_device_specs(spec):
    device = backend.get_device(spec)
    assert device is backend.CPU
    assert device.xp is numpy and str(device) == '@numpy'


def test_devices_compare_by_name():
    assert backend.get_device(-1) == backend.get_device('@numpy')
    assert hash(backend.get_device(-1)) == hash(backend.CPU)
    assert backend.get_device(backend.CPU) is backend.CPU


@pytest.mark.parametrize('spec', ['@tpu', 'gpu0', 1.5])
def test_invalid_spec_raises_value_error(spec):
    with pytest.raises(ValueError, match='invalid device specifier'):
        backend.get_device(spec)


def test_device_from_array():
    assert backend.get_device_from_array(numpy.ones(1)) is backend.CPU
    assert backend.get_device_from_array(Variable(numpy.ones(1))) is backend.CPU


def test_to_device_keeps_nested_structure():
    data = {'a': [numpy.ones(1), (numpy.zeros(2),)], 'b': None}
    out = backend.to_device(-1, data)
    assert isinstance(out['a'], list) and isinstance(out['a'][1], tuple)
    assert out['a'][1][0].tolist() == [0.0, 0.0] and out['b'] is None
    assert backend.to_cpu(numpy.ones(3)).tolist() == [1.0, 1.0, 1.0]


def test_variable_to_cpu_and_device():
    v = Variable(numpy.ones(2, dtype=numpy.float32))
    v.grad = numpy.ones(2, dtype=numpy.float32)
    assert v.to_device('@numpy') is v
    assert v.to_cpu().device == backend.CPU
    assert v.grad.tolist() == [1.0, 1.0]


@no_cupy
@pytest.mark.parametrize('spec', [0, '@cupy:0', '@cupy', 'cuda:0'])
def test_gpu_spec_without_cupy_raises_clearly(spec):
    with pytest.raises(backend.DeviceUnavailableError) as info:
        backend.get_device(spec)
    msg = str(info.value)
    assert 'GPU' in msg and 'CuPy' in msg and '@numpy' in msg


@no_cupy
def test_to_gpu_without_cupy_raises():
    with pytest.raises(backend.DeviceUnavailableError, match='to_gpu needs a GPU'):
        backend.to_gpu(numpy.ones(2))
    with pytest.raises(backend.DeviceUnavailableError):
        Variable(numpy.ones(2, dtype=numpy.float32)).to_gpu()


@no_cupy
def test_cuda_shim_without_cupy():
    assert chainer.cuda.available is False
    assert chainer.cuda.cupy is None
    with pytest.raises(chainer.cuda.DeviceUnavailableError):
        chainer.cuda.get_device(0)
    assert chainer.cuda.get_device(-1) is backend.CPU
    assert backend.cuda_available() is False and backend.gpu_count() == 0


def test_device_unavailable_is_a_runtime_error():
    assert issubclass(backend.DeviceUnavailableError, RuntimeError)

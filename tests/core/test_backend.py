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


# ---- Chainer 7's device API (issue 17) ----

def test_device_has_chainers_interface():
    device = chainer.get_device('@numpy')
    assert device is backend.CPU and repr(device) == '<CpuDevice (numpy)>'
    assert device.xp is numpy and device.name == '@numpy'
    assert device.supported_array_types == (numpy.ndarray,)
    assert device.is_array_supported(numpy.ones(1))
    assert not device.is_array_supported([1.0])
    assert device.send_array(numpy.ones(2)).tolist() == [1.0, 1.0]
    assert backend.CpuDevice.from_array(numpy.ones(1)) is backend.CPU
    assert backend.CpuDevice.from_array([1]) is None
    device.use()                                    # a no-op on the CPU


@pytest.mark.parametrize('spec', ['-1', '@numpy', -1])
def test_get_device_accepts_chainers_specs(spec):
    assert chainer.get_device(spec) is backend.CPU


def test_using_device_is_a_context_manager():
    with chainer.using_device('@numpy') as device:
        assert device is backend.CPU
    with chainer.using_device(-1):
        pass


def test_copyto_copies_across_devices():
    dst = numpy.zeros(3, numpy.float32)
    backend.copyto(dst, numpy.arange(3))
    assert dst.tolist() == [0.0, 1.0, 2.0]
    backend.copyto(dst, Variable(numpy.ones(3, numpy.float32)))
    assert dst.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(TypeError, match='destination must be a numpy or cupy ndarray'):
        backend.copyto([0.0], dst)


def test_intel64_is_chainers_not_installed_stub():
    intel64 = chainer.backends.intel64
    assert intel64.is_ideep_available() is False
    assert intel64.should_use_ideep('>=auto') is False
    assert intel64.inputs_all_ready((numpy.ones(2),)) is False
    with pytest.raises(RuntimeError, match='iDeep is not available'):
        chainer.get_device('@intel64')
    with pytest.raises(RuntimeError, match='iDeep is not available'):
        intel64.check_ideep_available()
    with pytest.raises(ValueError, match='invalid iDeep level'):
        intel64.should_use_ideep('sometimes')
    assert not isinstance(numpy.ones(1), intel64.mdarray)


def test_chainerx_devices_and_conversions_are_refused():
    with pytest.raises(RuntimeError, match='ChainerX is not available'):
        backend.ChainerxDevice()
    with pytest.raises(RuntimeError, match='ChainerX is not available'):
        chainer.backend.to_chx(numpy.ones(1))
    a = numpy.ones(1)
    assert chainer.backend.from_chx(a) is a


def test_chainerx_module_is_the_not_built_stub():
    import chainerx
    assert chainerx.is_available() is False
    assert not isinstance(numpy.ones(1), chainerx.ndarray)
    with pytest.raises(RuntimeError, match='chainerx is not available'):
        chainerx.ndarray((2,))


def test_backends_cuda_is_chainer_cuda():
    assert chainer.cuda is chainer.backends.cuda
    import chainfuse.cuda
    assert chainfuse.cuda is chainer.backends.cuda


@no_cupy
def test_backends_cuda_without_cupy():
    cuda = chainer.backends.cuda
    assert cuda.available is False and cuda.cudnn_enabled is False
    assert not isinstance(numpy.ones(1), cuda.ndarray)
    for make in (lambda: cuda.Device(0), lambda: cuda.ndarray((2,)), cuda.Event, cuda.Stream,
                 lambda: cuda.elementwise('T x', 'T y', 'y = x', 'copy'),
                 lambda: cuda.reduce('T x', 'T y', 'x', 'a + b', 'y = a', '0', 'sum'),
                 lambda: cuda.raw('', 'k'), lambda: cuda.copy(numpy.ones(1))):
        with pytest.raises(RuntimeError, match='CuPy'):
            make()
    assert cuda.DummyDevice.id == -1 and int(cuda.DummyDevice) == -1
    with cuda.DummyDevice:
        cuda.DummyDevice.use()

    def f(x):
        return x + 1
    assert cuda.fuse(f) is f and cuda.fuse()(f) is f
    assert cuda.memoize()(f)(1) == 2
    cuda.clear_memo()
    assert cuda.get_max_workspace_size() == 0
    cuda.set_max_workspace_size(1 << 20)
    with pytest.raises(RuntimeError, match='cuDNN is not enabled'):
        cuda.get_cudnn_dropout_states()


def test_should_use_cudnn_reads_config_and_checks_its_arguments():
    cuda = chainer.backends.cuda
    for level in ('==always', '>=auto'):
        for mode in ('always', 'auto', 'never'):
            with chainer.using_config('use_cudnn', mode):
                expected = cuda.cudnn_enabled and (mode == 'always' or
                                                   (mode == 'auto' and level == '>=auto'))
                assert cuda.should_use_cudnn(level) is expected
    with pytest.raises(ValueError, match='invalid cuDNN level'):
        cuda.should_use_cudnn('always')
    with chainer.using_config('use_cudnn', True):
        with pytest.raises(ValueError, match='config.use_cudnn'):
            cuda.should_use_cudnn('>=auto')
    with chainer.using_config('use_cudnn_tensor_core', 'never'):
        assert cuda.should_use_cudnn_tensor_core(numpy.float16) is False
    with chainer.using_config('use_cudnn_tensor_core', 'always'):
        assert cuda.should_use_cudnn_tensor_core(numpy.float16) is True
    with chainer.using_config('use_cudnn_tensor_core', 'x'):
        with pytest.raises(ValueError, match='use_cudnn_tensor_core'):
            cuda.should_use_cudnn_tensor_core(numpy.float16)


def test_link_moves_between_devices_with_chainers_methods():
    import chainfuse.links as L
    link = L.Linear(3, 2)
    assert link.to_device('@numpy') is link and link.device is backend.CPU
    assert link.to_cpu() is link and link.xp is numpy
    assert link.to_device(chainer.get_device(-1)) is link
    assert isinstance(link.W.array, numpy.ndarray)
    assert isinstance(link, chainer.DeviceResident)

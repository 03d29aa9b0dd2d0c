"""Array backends: NumPy always, CuPy when it is installed and a GPU is present.

Everything above this module asks here which array module an array belongs to
(`get_array_module`) and moves arrays between devices (`to_device`, `to_cpu`,
`to_gpu`).  A device is named like Chainer names it: ``'@numpy'`` for the CPU,
``'@cupy:N'`` (or the integer ``N``) for GPU ``N``; ``-1`` and ``None`` mean CPU.
"""
import numpy

try:  # pragma: no cover - depends on the machine
    import cupy as _cupy
except Exception:  # ImportError, or a CUDA library that fails to load
    _cupy = None


def _count_gpus():
    if _cupy is None:
        return 0
    try:
        return _cupy.cuda.runtime.getDeviceCount()
    except Exception:
        return 0


_gpu_count = None


def gpu_count():
    """Number of CUDA devices CuPy can use (0 without CuPy or without a GPU)."""
    global _gpu_count
    if _gpu_count is None:
        _gpu_count = _count_gpus()
    return _gpu_count


def cuda_available():
    return gpu_count() > 0


cupy = _cupy if _cupy is not None else None


class DeviceUnavailableError(RuntimeError):
    """A GPU was asked for where CuPy or a CUDA device is missing."""


def check_cuda_available(what='this operation'):
    if _cupy is None:
        raise DeviceUnavailableError(
            f'{what} needs a GPU, but CuPy is not installed. '
            'Install chainfuse with the "cuda" extra (pip install chainfuse[cuda]) '
            'or keep the model on the CPU (device -1 / "@numpy").')
    if gpu_count() == 0:
        raise DeviceUnavailableError(
            f'{what} needs a GPU, but CuPy found no CUDA device on this machine. '
            'Keep the model on the CPU (device -1 / "@numpy").')


def is_cupy_array(a):
    return _cupy is not None and isinstance(a, _cupy.ndarray)


def is_array(x):
    """Whether `x` is an array of a backend: a numpy or a CuPy ndarray (not a Variable)."""
    return isinstance(x, numpy.ndarray) or is_cupy_array(x)


def _unwrap(a):
    # Variables and Parameters expose their array as `.array`; backend cannot import core.
    return a.array if hasattr(a, 'xp') and hasattr(a, 'array') else a


def get_array_module(*args):
    """Returns cupy if any argument is a CuPy array (or a Variable holding one), else numpy."""
    if _cupy is not None:
        for a in args:
            if isinstance(_unwrap(a), _cupy.ndarray):
                return _cupy
    return numpy


class Device:
    """Base of CpuDevice and GpuDevice: a place arrays live, with its array module."""

    xp = numpy
    name = '@numpy'

    def send(self, arrays):
        return _map_arrays(self._send_array, arrays)

    def use(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __eq__(self, other):
        return isinstance(other, Device) and self.name == other.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f'<Device {self.name}>'

    def __str__(self):
        return self.name


class CpuDevice(Device):
    xp = numpy
    name = '@numpy'
    id = -1

    def _send_array(self, a):
        if is_cupy_array(a):
            return a.get()
        return numpy.asarray(a) if not numpy.isscalar(a) else a

    def synchronize(self):
        pass


class GpuDevice(Device):
    def __init__(self, device_id=0):
        check_cuda_available(f'GPU device {device_id}')
        if not 0 <= device_id < gpu_count():
            raise DeviceUnavailableError(
                f'GPU {device_id} does not exist: this machine has {gpu_count()} GPU(s)')
        self.id = int(device_id)
        self.name = f'@cupy:{self.id}'
        self.xp = _cupy
        self._cuda_device = _cupy.cuda.Device(self.id)

    def _send_array(self, a):
        if is_cupy_array(a) and a.device.id == self.id:
            return a
        with self._cuda_device:
            return _cupy.asarray(a)

    def use(self):
        self._cuda_device.use()
        return self

    def __enter__(self):
        self._cuda_device.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cuda_device.__exit__(*exc)

    def synchronize(self):
        self._cuda_device.synchronize()


CPU = CpuDevice()


def get_device(spec):
    """Resolves a device spec: Device, None/-1/'@numpy'/'native' (CPU), int >= 0 or '@cupy:N' (GPU)."""
    if isinstance(spec, Device):
        return spec
    if spec is None or spec in ('@numpy', 'native', 'native:0', 'cpu'):
        return CPU
    if isinstance(spec, (int, numpy.integer)) and not isinstance(spec, bool):
        return CPU if spec < 0 else GpuDevice(int(spec))
    if isinstance(spec, str) and spec.startswith('@cupy'):
        rest = spec[len('@cupy'):]
        device_id = int(rest[1:]) if rest.startswith(':') else 0
        return GpuDevice(device_id)
    if isinstance(spec, str) and spec.startswith('cuda'):
        rest = spec[len('cuda'):]
        return GpuDevice(int(rest[1:]) if rest.startswith(':') else 0)
    raise ValueError(
        f'invalid device specifier {spec!r}: expected None, -1, "@numpy", an int >= 0, '
        'or "@cupy:N"')


def get_device_from_array(a):
    a = _unwrap(a)
    if is_cupy_array(a):
        return GpuDevice(a.device.id)
    return CPU


def _map_arrays(fn, x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return type(x)(_map_arrays(fn, e) for e in x)
    if isinstance(x, dict):
        return {k: _map_arrays(fn, v) for k, v in x.items()}
    return fn(x)


def to_device(device, x):
    """Sends an array (or a nested list/tuple/dict of arrays) to `device`."""
    return get_device(device).send(x)


def to_cpu(x):
    return CPU.send(x)


def to_gpu(x, device=None):
    if device is None:
        check_cuda_available('to_gpu')
        device = _cupy.cuda.Device().id
    return get_device(device if not isinstance(device, int) or device >= 0 else 0).send(x)

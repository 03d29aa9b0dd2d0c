"""Array backends: NumPy always, CuPy when it is installed and a GPU is present.

Everything above this module asks here which array module an array belongs to
(`get_array_module`) and moves arrays between devices (`to_device`, `to_cpu`,
`to_gpu`).  A device is named like Chainer names it: ``'@numpy'`` for the CPU,
``'@cupy:N'`` (or the integer ``N``) for GPU ``N``; ``-1`` and ``None`` mean CPU.

The device classes have Chainer 7's interface (``chainer.backend``): ``xp``,
``name``, ``send``/``send_array``, ``use()``, ``create_context()`` (what
`using_device` enters), ``is_array_supported``, ``supported_array_types`` and
``from_array``.  ``'@intel64'`` (iDeep) and ChainerX devices are named but, as in a
Chainer install without iDeep and ChainerX, asking for one raises a RuntimeError
that says so.
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
    supported_array_types = (numpy.ndarray,)

    def send(self, arrays):
        """Sends an array, or a nested list/tuple/dict of arrays, to this device."""
        return _map_arrays(self._send_array, arrays)

    def send_array(self, array):
        return self._send_array(array)

    def use(self):
        """Makes this device current for the thread (a no-op on the CPU)."""
        return self

    def create_context(self):
        """A context manager in which this device is current (`using_device` enters it)."""
        return self

    def is_array_supported(self, array):
        return isinstance(array, self.supported_array_types)

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

    @staticmethod
    def from_array(array):
        """The CPU device for a numpy array, else None (Chainer's interface)."""
        return CPU if isinstance(array, numpy.ndarray) else None

    def __repr__(self):
        return '<CpuDevice (numpy)>'

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
        self.supported_array_types = (_cupy.ndarray,)
        self._cuda_device = _cupy.cuda.Device(self.id)

    @staticmethod
    def from_device_id(device_id):
        return GpuDevice(device_id)

    @staticmethod
    def from_array(array):
        return GpuDevice(array.device.id) if is_cupy_array(array) else None

    @property
    def device(self):
        """The `cupy.cuda.Device` (Chainer's ``GpuDevice.device``)."""
        return self._cuda_device

    def is_array_supported(self, array):
        return is_cupy_array(array) and array.device.id == self.id

    def __repr__(self):
        return f'<GpuDevice (cupy):{self.id}>'

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


class Intel64Device(Device):
    """Chainer's iDeep device.  chainfuse has no iDeep backend (its CPU path is NumPy
    and Numba), so, as in a Chainer install without iDeep, creating one raises."""

    name = '@intel64'

    def __init__(self):
        raise RuntimeError(
            "iDeep is not available: chainfuse has no '@intel64' backend "
            '(chainer.backends.intel64.is_ideep_available() is False). '
            "Use '@numpy'; chainfuse's compiler fuses CPU kernels with Numba instead.")


class ChainerxDevice(Device):
    """Chainer's ChainerX device; ChainerX is not built into chainfuse, so creating
    one raises, as in a Chainer install without ChainerX."""

    def __init__(self, device=None):
        raise RuntimeError(
            'ChainerX is not available in chainfuse (chainerx.is_available() is False); '
            "use '@numpy' or '@cupy:N'")


CPU = CpuDevice()


def get_device(spec):
    """Resolves a device spec to a `Device`, as ``chainer.get_device`` does.

    A Device is returned as is; None, -1 (any negative int), ``'@numpy'`` (and the
    spellings ``'native'``, ``'cpu'``) mean the CPU; an int >= 0, ``'@cupy:N'`` or
    ``'cuda:N'`` GPU N (CuPy and a CUDA device needed); ``'@intel64'`` iDeep (not
    available: RuntimeError).  Strings of an int (``'-1'``, ``'0'``) count as the int.
    """
    if isinstance(spec, Device):
        return spec
    if spec is None or spec in ('@numpy', 'native', 'native:0', 'cpu'):
        return CPU
    if spec == '@intel64':
        return Intel64Device()
    if isinstance(spec, str) and spec.lstrip('-').isdigit():
        spec = int(spec)
    if _cupy is not None and isinstance(spec, _cupy.cuda.Device):
        return GpuDevice(spec.id)
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


def get_device_from_array(*arrays):
    """The device of the first array that is not on the CPU; the CPU if all are."""
    for a in arrays:
        a = _unwrap(a)
        if is_cupy_array(a):
            return GpuDevice(a.device.id)
    return CPU


def using_device(device_spec):
    """Context manager in which `device_spec`'s device is current for the thread
    (``chainer.using_device``); on the CPU it changes nothing."""
    return get_device(device_spec).create_context()


def copyto(dst, src):
    """Copies the elements of `src` into the array `dst`, across devices."""
    if isinstance(dst, numpy.ndarray):
        numpy.copyto(dst, to_cpu(_unwrap(src)))
    elif is_cupy_array(dst):
        with _cupy.cuda.Device(dst.device.id):
            _cupy.copyto(dst, _cupy.asarray(_unwrap(src)))
    else:
        raise TypeError(f'copyto: cannot copy into a {type(dst).__name__}; the destination '
                        'must be a numpy or cupy ndarray')


def to_chx(array):
    """ChainerX is not built into chainfuse (as in a Chainer install without it)."""
    raise RuntimeError('to_chx: ChainerX is not available in chainfuse '
                       '(chainerx.is_available() is False); keep numpy or cupy arrays')


def from_chx(array):
    """Arrays come back as they are: chainfuse never holds ChainerX arrays."""
    return array


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

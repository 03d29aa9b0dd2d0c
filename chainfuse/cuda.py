"""Chainer's `chainer.cuda` names, so tutorial code runs unchanged.

`cuda.cupy` is the cupy module (None without CuPy); `cuda.get_device(id).use()`
selects a GPU; `to_gpu`, `to_cpu` and `get_array_module` move and inspect arrays.
"""
from chainfuse import backend
from chainfuse.backend import (  # noqa: F401
    DeviceUnavailableError, check_cuda_available, get_array_module, to_cpu, to_gpu)

cupy = backend.cupy
available = backend.cupy is not None
cudnn_enabled = False
if available:  # pragma: no cover - needs CuPy
    try:
        import cupy.cuda.cudnn  # noqa: F401
        cudnn_enabled = True
    except Exception:
        cudnn_enabled = False


def get_device(device_id=None):
    """`get_device(id)` returns a device object whose `.use()` makes it current."""
    if device_id is None:
        check_cuda_available('get_device')
        return backend.GpuDevice(cupy.cuda.Device().id)
    return backend.get_device(device_id)


get_device_from_id = get_device
get_device_from_array = backend.get_device_from_array
Device = backend.GpuDevice

"""Chainer's ``chainer.backends.cuda`` (also ``chainer.cuda``): CuPy with thin wrappers.

With CuPy and a GPU, `cupy`, `ndarray`, `Device`, `Event` and `Stream` are CuPy's;
`elementwise`, `reduce` and `raw` build (memoized) CuPy kernels; `fuse` is
``cupy.fuse``.  Without CuPy, `available` is False, `cupy` is None, `ndarray` and
`Device` are placeholder classes (``isinstance(x, cuda.ndarray)`` is simply False),
`memoize` and `fuse` leave functions as they are, and everything that needs a GPU
raises `DeviceUnavailableError` (a RuntimeError) saying so and what to do.

`should_use_cudnn` and `should_use_cudnn_tensor_core` read ``config.use_cudnn`` and
``config.use_cudnn_tensor_core`` as Chainer does; they decide nothing in chainfuse's
own kernels, which never call cuDNN, but code that branches on them runs.
"""
import functools

from chainfuse import backend
from chainfuse.backend import (  # noqa: F401
    DeviceUnavailableError, GpuDevice, check_cuda_available, get_array_module, to_cpu,
    to_gpu)
from chainfuse.config import config

cupy = backend.cupy
available = backend.cupy is not None
cudnn_enabled = False
cudnn = None
if available:  # pragma: no cover - needs CuPy
    try:
        import cupy.cuda.cudnn  # noqa: F401
        import cupy.cudnn as cudnn
        cudnn_enabled = True
    except Exception:
        cudnn_enabled = False

if available:  # pragma: no cover - needs CuPy
    from cupy import ndarray  # noqa: F401
    from cupy.cuda import Device, Event, Stream  # noqa: F401
else:
    class ndarray:
        """Placeholder for ``cupy.ndarray`` without CuPy: nothing is an instance."""

        def __init__(self, *args, **kwargs):
            check_cuda_available('cupy.ndarray')

    class Device:
        """Placeholder for ``cupy.cuda.Device`` without CuPy: creating one raises."""

        def __init__(self, device=None):
            check_cuda_available(f'cuda.Device({device!r})')

    class Event:
        def __init__(self, *args, **kwargs):
            check_cuda_available('cuda.Event')

    class Stream:
        def __init__(self, *args, **kwargs):
            check_cuda_available('cuda.Stream')


class DummyDeviceType:
    """The CPU seen through ``cupy.cuda.Device``'s interface (``id`` -1; use, with,
    synchronize do nothing).  `DummyDevice` is its one instance."""

    id = -1

    def __int__(self):
        return -1

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return None

    def use(self):
        pass

    def synchronize(self):
        pass

    def __eq__(self, other):
        return isinstance(other, DummyDeviceType)

    def __hash__(self):
        return hash(DummyDeviceType)


DummyDevice = DummyDeviceType()


def get_device(device_id=None):
    """`get_device(id)` returns a device object whose `.use()` makes it current
    (`chainfuse.backend.CPU` for a negative id)."""
    if device_id is None:
        check_cuda_available('get_device')
        return backend.GpuDevice(cupy.cuda.Device().id)
    return backend.get_device(device_id)


get_device_from_id = get_device


def get_device_from_array(*arrays):
    return backend.get_device_from_array(*arrays)


def copy(array, out=None, out_device=None, stream=None):
    """Copies a CuPy array (to `out`, or a new array on `out_device`)."""
    check_cuda_available('cuda.copy')
    if out is None:  # pragma: no cover - needs CuPy
        device = backend.get_device_from_array(array) if out_device is None \
            else backend.get_device(out_device)
        with device:
            out = cupy.empty_like(array)
    with backend.get_device_from_array(array):  # pragma: no cover - needs CuPy
        cupy.copyto(out, array)
    return out


def memoize(for_each_device=False):
    """``cupy.memoize`` with CuPy; without it the function is left as it is."""
    if available:  # pragma: no cover - needs CuPy
        return cupy.memoize(for_each_device)

    def plain(f):
        @functools.wraps(f)
        def call(*args, **kwargs):
            return f(*args, **kwargs)
        return call
    return plain


def clear_memo():
    """Clears what `memoize` cached (nothing without CuPy)."""
    if available:  # pragma: no cover - needs CuPy
        cupy.clear_memo()


@memoize()
def elementwise(in_params, out_params, operation, name, **kwargs):
    """A ``cupy.ElementwiseKernel``, cached per arguments and device."""
    check_cuda_available('cuda.elementwise')
    return cupy.ElementwiseKernel(in_params, out_params, operation, name, **kwargs)


@memoize()
def reduce(in_params, out_params, map_expr, reduce_expr, post_map_expr, identity, name,
           **kwargs):
    """A ``cupy.ReductionKernel``, cached per arguments and device."""
    check_cuda_available('cuda.reduce')
    return cupy.ReductionKernel(in_params, out_params, map_expr, reduce_expr,
                                post_map_expr, identity, name, **kwargs)


@memoize()
def raw(code, name, *args, **kwargs):
    """A ``cupy.RawKernel``, cached per arguments and device."""
    check_cuda_available('cuda.raw')
    return cupy.RawKernel(code, name, *args, **kwargs)


def fuse(*args, **kwargs):
    """``cupy.fuse`` with CuPy; without it the decorated function is left as it is."""
    if available:  # pragma: no cover - needs CuPy
        return cupy.fuse(*args, **kwargs)
    if len(args) == 1 and not kwargs and callable(args[0]):
        return args[0]
    return lambda f: f


_max_workspace_size = 8 * 1024 * 1024


def get_max_workspace_size():
    """cuDNN's workspace limit in bytes (0 without cuDNN, as in Chainer)."""
    return cudnn.get_max_workspace_size() if cudnn_enabled else 0


def set_max_workspace_size(size):
    """Sets cuDNN's workspace limit (ignored without cuDNN, as in Chainer)."""
    if cudnn_enabled:  # pragma: no cover - needs cuDNN
        cudnn.set_max_workspace_size(size)


_SHOULD_USE_CUDNN = {
    '==always': {'always': True, 'auto': False, 'never': False},
    '>=auto': {'always': True, 'auto': True, 'never': False},
}


def should_use_cudnn(level, lowest_version=0):
    """Whether cuDNN should be used at `level` ('==always' or '>=auto') under
    ``config.use_cudnn``: always False without cuDNN; both arguments are checked."""
    if level not in _SHOULD_USE_CUDNN:
        raise ValueError(f'invalid cuDNN level {level!r}: expected "==always" or ">=auto"')
    flags = _SHOULD_USE_CUDNN[level]
    use_cudnn = config.use_cudnn
    if use_cudnn not in flags:
        raise ValueError(f'invalid config.use_cudnn {use_cudnn!r}: expected "always", '
                         '"auto" or "never"')
    if not cudnn_enabled:
        return False
    if cudnn.getVersion() < lowest_version:  # pragma: no cover - needs cuDNN
        return False
    return flags[use_cudnn]  # pragma: no cover - needs cuDNN


_TENSOR_CORE = {'always': True, 'auto': None, 'never': False}


def should_use_cudnn_tensor_core(dtype):
    """Whether cuDNN may use Tensor Cores for `dtype` under
    ``config.use_cudnn_tensor_core`` ('always', 'auto' or 'never')."""
    flag = config.use_cudnn_tensor_core
    if flag not in _TENSOR_CORE:
        raise ValueError(f'invalid config.use_cudnn_tensor_core {flag!r}: expected '
                         '"always", "auto" or "never"')
    use = _TENSOR_CORE[flag]
    if use is None:
        use = bool(cudnn_enabled and cudnn.is_tensor_core_available(dtype))
    return use


def get_cudnn_dropout_states():
    """cuDNN's dropout states: needs cuDNN (RuntimeError without it, as in Chainer)."""
    if not cudnn_enabled:
        raise RuntimeError('get_cudnn_dropout_states: cuDNN is not enabled (chainfuse '
                           'found no CuPy with cuDNN); chainfuse dropout does not need it')
    return get_cudnn_dropout_states_core(0)  # pragma: no cover - needs cuDNN


def get_cudnn_dropout_states_core(thread_id):
    """cuDNN's dropout states for one thread (needs cuDNN)."""
    if not cudnn_enabled:
        raise RuntimeError('get_cudnn_dropout_states_core: cuDNN is not enabled')
    return cudnn.DropoutStates(None, thread_id)  # pragma: no cover - needs cuDNN

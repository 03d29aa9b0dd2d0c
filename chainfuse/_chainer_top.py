"""Chainer 7's remaining top-level functions (``chainer.print_runtime_info``,
``is_debug``, ``get_dtype``, ...), gathered here and re-exported by the package."""
import platform
import sys
import warnings

import numpy

from chainfuse import backend
from chainfuse.backends import cuda
from chainfuse.config import config, mixed16, using_config


class _FallbackType:
    """Chainer's ``chainer.Fallback``: what a ChainerX forward returns to ask for the
    NumPy/CuPy path (chainfuse has no ChainerX path; the name is kept for code that
    compares with it)."""

    def __repr__(self):
        return 'Fallback'


Fallback = _FallbackType()

disable_experimental_feature_warning = False


def print_runtime_info(out=None):
    """Prints the platform and the versions of chainfuse, NumPy, CuPy and the (absent)
    ChainerX and iDeep, as ``chainer.print_runtime_info`` does."""
    import chainfuse
    out = sys.stdout if out is None else out
    lines = [f'Platform: {platform.platform()}', f'chainfuse: {chainfuse.__version__}',
             'ChainerX: Not Available', f'NumPy: {numpy.__version__}']
    if cuda.available:  # pragma: no cover - needs CuPy
        lines.append(f'CuPy: {cuda.cupy.__version__}')
    else:
        lines.append('CuPy: Not Available')
    lines.append('iDeep: Not Available')
    try:
        import numba
        lines.append(f'Numba: {numba.__version__}')
    except Exception:  # pragma: no cover - numba is a dependency
        lines.append('Numba: Not Available')
    out.write('\n'.join(lines) + '\n')


def is_debug():
    """Whether the debug mode (``config.debug``) is on in this thread."""
    return bool(config.debug)


def set_debug(debug):
    """Sets ``config.debug`` for this thread."""
    config.debug = debug


class DebugMode:
    """``with DebugMode(True):`` sets ``config.debug`` for the block (deprecated in
    Chainer: use ``using_config('debug', ...)``)."""

    def __init__(self, debug):
        warnings.warn('chainer.DebugMode is deprecated; use chainer.using_config("debug", '
                      '...) instead', DeprecationWarning, stacklevel=2)
        self._using = using_config('debug', debug)

    def __enter__(self):
        self._using.__enter__()

    def __exit__(self, *exc):
        return self._using.__exit__(*exc)


def get_dtype(dtype=None, map_mixed16=None):
    """`dtype` as a numpy dtype, or ``config.dtype`` when None (`map_mixed16`, default
    float16, standing for ``mixed16``)."""
    if dtype is None:
        dtype = config.dtype
    if dtype is mixed16:
        dtype = numpy.float16 if map_mixed16 is None else map_mixed16
    return numpy.dtype(dtype)


def get_compute_mode():
    return config.compute_mode


def get_array_types():
    """The array classes chainfuse computes with: numpy's, and CuPy's when present."""
    return (numpy.ndarray,) + ((cuda.ndarray,) if cuda.available else ())


def get_cpu_array_types():
    return (numpy.ndarray,)


def is_arrays_compatible(arrays):
    """Whether the arrays (None ignored) are all on the CPU or all CuPy arrays."""
    arrays = [a for a in arrays if a is not None]
    if not arrays:
        return True
    if backend.is_cupy_array(arrays[0]):
        return all(backend.is_cupy_array(a) for a in arrays)
    return all(isinstance(a, numpy.ndarray) for a in arrays)


should_use_cudnn = cuda.should_use_cudnn
should_use_cudnn_tensor_core = cuda.should_use_cudnn_tensor_core

"""``testing.attr``: pytest marks that say what a test needs.

``@attr.gpu`` (and ``@attr.multi_gpu(n)``) mark a test ``gpu`` and skip it where CuPy or
enough GPUs are missing (or more than ``CHAINER_TEST_GPU_LIMIT`` would be needed);
``@attr.slow`` marks it ``slow``; ``@attr.cudnn``, ``@attr.ideep`` and ``@attr.chainerx``
mark and skip it (chainfuse has neither cuDNN kernels of its own, nor iDeep, nor
ChainerX: cudnn tests run only where CuPy has cuDNN).
"""
import os

try:
    import pytest
    _error = None
except ImportError as e:  # pragma: no cover - pytest is a test dependency
    pytest = None
    _error = e

from chainfuse import backend


def is_available():
    return _error is None


def check_available():
    if _error is not None:
        raise RuntimeError(f'{__name__} is not available: {type(_error).__name__}: {_error}')


def get_error():
    return _error


def _gpu_limit():
    return int(os.environ.get('CHAINER_TEST_GPU_LIMIT', '-1'))


def multi_gpu(gpu_num):
    """Marks a test ``gpu``; skips it unless `gpu_num` GPUs can be used."""
    check_available()

    def mark(f):
        limit = _gpu_limit()
        skip = pytest.mark.skipif(
            backend.gpu_count() < gpu_num or 0 <= limit < gpu_num,
            reason=f'needs {gpu_num} GPU(s): {backend.gpu_count()} found'
                   + (f', CHAINER_TEST_GPU_LIMIT={limit}' if limit >= 0 else ''))
        return skip(pytest.mark.gpu(f))
    return mark


def gpu(f):
    """Marks a test ``gpu``; skips it without a GPU."""
    return multi_gpu(1)(f)


def slow(*args, **kwargs):
    check_available()
    return pytest.mark.slow(*args, **kwargs)


def _unavailable(name, reason):
    def mark(*args, **kwargs):
        check_available()
        skip = pytest.mark.skip(reason=reason)
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return skip(getattr(pytest.mark, name)(args[0]))
        return lambda f: skip(getattr(pytest.mark, name)(f))
    mark.__name__ = name
    return mark


chainerx = _unavailable('chainerx', 'ChainerX is not built into chainfuse')
ideep = _unavailable('ideep', 'iDeep is not available in chainfuse')


def cudnn(*args, **kwargs):
    """Marks a test ``cudnn``; skips it unless CuPy has cuDNN."""
    check_available()
    from chainfuse.backends import cuda
    skip = pytest.mark.skipif(not cuda.cudnn_enabled, reason='needs cuDNN (CuPy with cuDNN)')
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return skip(pytest.mark.cudnn(args[0]))
    return lambda f: skip(pytest.mark.cudnn(f))

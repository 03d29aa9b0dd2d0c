"""Chainer's ``chainer.backends.intel64`` as in a Chainer install without iDeep.

chainfuse has no iDeep backend: its CPU path is NumPy, with kernels fused by Numba.
So `is_ideep_available()` is False, `should_use_ideep` is always False, and asking
for the device (``Intel64Device()``, ``get_device('@intel64')``) or checking for it
(`check_ideep_available`) raises a RuntimeError that says what to use instead.
"""
from chainfuse.backend import Intel64Device  # noqa: F401
from chainfuse.config import config  # noqa: F401


class mdarray:
    """Stands for ``ideep4py.mdarray`` in ``isinstance`` checks; no array is one."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError('ideep4py.mdarray: iDeep is not available in chainfuse')


def is_ideep_available():
    """False: chainfuse has no iDeep backend."""
    return False


def check_ideep_available():
    """Raises RuntimeError: iDeep is not available (Chainer raises the same without it)."""
    raise RuntimeError("iDeep is not available in chainfuse; use the '@numpy' device")


def should_use_ideep(level):
    """Whether an iDeep kernel should run: never.  `level` is checked as Chainer does."""
    if level not in ('==always', '>=auto'):
        raise ValueError(f'invalid iDeep level {level!r}: expected "==always" or ">=auto"')
    return False


def inputs_all_ready(inputs, supported_ndim=(2, 4)):
    """Whether iDeep could take all `inputs`: never."""
    return False

"""``chainerx`` as in a Chainer install without ChainerX: ``is_available()`` is False.

Chainer 7 ships a ``chainerx`` package beside ``chainer`` even when its C++ core was
not built; code such as Chainer's examples imports it and asks
``chainerx.is_available()`` before using a ChainerX device.  chainfuse has no
ChainerX backend, so it ships the same not-built package: `is_available` returns
False and `ndarray` is a placeholder class (``isinstance(x, chainerx.ndarray)`` is
False for every array; creating one raises).
"""
from chainerx import _build_info

_available = _build_info.build_chainerx


class ndarray:
    """Placeholder for type tests: ChainerX is not built, so nothing is a chainerx array."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError('chainerx is not available: chainfuse ships ChainerX as not built '
                           "(chainerx.is_available() is False); use '@numpy' or '@cupy:N'")


def is_available():
    """False: ChainerX is not built into chainfuse."""
    return _available

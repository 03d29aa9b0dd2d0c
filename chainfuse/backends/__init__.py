"""Chainer's ``chainer.backends``: `cuda` (CuPy) and `intel64` (iDeep, not available)."""
from chainfuse.backends import cuda  # noqa: F401
from chainfuse.backends import intel64  # noqa: F401

"""``chainer.cuda``: the old name of `chainfuse.backends.cuda`, the same module object."""
import sys

from chainfuse.backends import cuda as _cuda

sys.modules[__name__] = _cuda

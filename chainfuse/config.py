"""Thread-local configuration, with Chainer's names.

`chainfuse.config.train` reads the current thread's value, falling back to
`chainfuse.global_config`.  `using_config(name, value)` sets it for a block.

Keys: ``train`` (True), ``enable_backprop`` (True), ``type_check`` (True),
``compile`` (True unless ``CHAINFUSE_DISABLE_COMPILE=1``), ``deterministic`` (False),
``debug`` (False), ``dtype`` (float32).
"""
import contextlib
import os
import threading

import numpy


class GlobalConfig:
    def __init__(self):
        self.train = True
        self.enable_backprop = True
        self.type_check = True
        self.compile = os.environ.get('CHAINFUSE_DISABLE_COMPILE', '') in ('', '0')
        self.deterministic = False
        self.debug = False
        self.dtype = numpy.dtype(numpy.float32)

    def show(self):
        for k in sorted(vars(self)):
            print(f'{k:<16}{getattr(self, k)}')


class LocalConfig:
    """Attributes set here are local to the thread; missing ones come from the global config."""

    def __init__(self, global_config):
        object.__setattr__(self, '_global', global_config)
        object.__setattr__(self, '_local', threading.local())

    def __getattr__(self, name):
        local = self._local.__dict__     # this thread's settings (no exception when unset)
        if name in local:
            return local[name]
        return getattr(self._global, name)

    def __setattr__(self, name, value):
        setattr(self._local, name, value)

    def __delattr__(self, name):
        delattr(self._local, name)

    def show(self):
        names = set(vars(self._global)) | set(vars(self._local))
        for k in sorted(names):
            print(f'{k:<16}{getattr(self, k)}')


global_config = GlobalConfig()
config = LocalConfig(global_config)

_MISSING = object()


@contextlib.contextmanager
def using_config(name, value, config=config):
    """Sets ``config.<name> = value`` for the block, restoring the old value after."""
    old = getattr(config._local, name, _MISSING)
    setattr(config, name, value)
    try:
        yield
    finally:
        if old is _MISSING:
            delattr(config, name)
        else:
            setattr(config, name, old)


def no_backprop_mode():
    """Within this block ops record no graph (inference; saves memory)."""
    return using_config('enable_backprop', False)


def force_backprop_mode():
    return using_config('enable_backprop', True)

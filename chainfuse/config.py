"""Thread-local configuration, with Chainer's names (``chainer.configuration``).

`chainfuse.config.train` reads the current thread's value, falling back to
`chainfuse.global_config`.  `using_config(name, value)` sets it for a block.

Chainer's keys, with Chainer 7's defaults (and its environment variables):

=================================  ===========  ======================================
key                                default      what reads it in chainfuse
=================================  ===========  ======================================
``train``                          True         dropout, batch normalization, ...
``enable_backprop``                True         ``FunctionNode.apply`` records a graph
``type_check``                     True         shape rules (``CHAINER_TYPE_CHECK``)
``debug``                          False        ``CHAINER_DEBUG``
``dtype``                          float32      initializers (``CHAINER_DTYPE``)
``keep_graph_on_report``           False        ``report`` (``CHAINER_KEEP_GRAPH_ON_REPORT``)
``use_cudnn``                      'auto'       ``cuda.should_use_cudnn`` (``CHAINER_USE_CUDNN``)
``use_cudnn_tensor_core``          'auto'       ``cuda.should_use_cudnn_tensor_core``
``cudnn_deterministic``            False        accepted; chainfuse never calls cuDNN
``cudnn_fast_batch_normalization`` False        accepted (``CHAINER_CUDNN_FAST_BATCH_...``)
``autotune``                       False        accepted
``use_ideep``                      'never'      accepted; there is no iDeep backend
``lazy_grad_sum``                  False        accepted (``CHAINER_LAZY_GRAD_SUM``)
``use_static_graph``               True         ``@static_graph`` compiles only when True
``schedule_func``                  None         accepted
``in_recomputing``                 False        accepted
``warn_nondeterministic``          False        accepted
``compute_mode``                   None         ``chainer.get_compute_mode()``
=================================  ===========  ======================================

and chainfuse's own: ``compile`` (True unless ``CHAINFUSE_DISABLE_COMPILE=1``) and
``deterministic`` (False).  `show()` prints the entries in two columns, as Chainer does.
"""
import contextlib
import os
import sys
import threading

import numpy


class _Mixed16:
    """Chainer's dtype-like ``mixed16`` (16/32-bit mixed precision); its ``dtype`` is
    float16."""

    dtype = numpy.dtype(numpy.float16)

    def __repr__(self):
        return "dtype('mixed16')"


mixed16 = _Mixed16()


def _env_flag(name, default):
    value = os.environ.get(name, default)
    try:
        return bool(int(value))
    except ValueError:
        raise ValueError(f'environment variable {name}={value!r}: expected 0 or 1') from None


def _env_dtype():
    name = os.environ.get('CHAINER_DTYPE', 'float32')
    if name in ('float16', 'float32', 'float64'):
        return numpy.dtype(name)
    if name == 'mixed16':
        return mixed16
    raise TypeError(f'CHAINER_DTYPE={name!r}: expected float16, float32, float64 or mixed16')


class GlobalConfig:
    """The configuration every thread starts from (``chainer.global_config``)."""

    def __init__(self):
        self.train = True
        self.enable_backprop = True
        self.type_check = _env_flag('CHAINER_TYPE_CHECK', '1')
        self.debug = _env_flag('CHAINER_DEBUG', '0')
        self.dtype = _env_dtype()
        self.keep_graph_on_report = _env_flag('CHAINER_KEEP_GRAPH_ON_REPORT', '0')
        self.use_cudnn = os.environ.get('CHAINER_USE_CUDNN', 'auto')
        self.use_cudnn_tensor_core = 'auto'
        self.cudnn_deterministic = False
        self.cudnn_fast_batch_normalization = _env_flag(
            'CHAINER_CUDNN_FAST_BATCH_NORMALIZATION', '0')
        self.autotune = False
        self.use_ideep = os.environ.get('CHAINER_USE_IDEEP', 'never')
        self.lazy_grad_sum = _env_flag('CHAINER_LAZY_GRAD_SUM', '0')
        self.use_static_graph = True
        self.schedule_func = None
        self.in_recomputing = False
        self.warn_nondeterministic = False
        self.compute_mode = None
        self.compile = os.environ.get('CHAINFUSE_DISABLE_COMPILE', '') in ('', '0')
        self.deterministic = False

    def show(self, file=None):
        """Prints the entries, sorted by name, one per line in two columns."""
        _print_entries(self, sorted(vars(self)), file)


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

    def show(self, file=None):
        """Prints this thread's entries (local ones over global), sorted by name."""
        names = set(vars(self._global)) | set(vars(self._local))
        _print_entries(self, sorted(names), file)


def _print_entries(config, names, file):
    # the value column starts one space after the longest name, as in Chainer
    file = sys.stdout if file is None else file
    width = max(len(k) for k in names) + 1
    for k in names:
        file.write(f'{k:<{width}}{getattr(config, k)}\n')


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

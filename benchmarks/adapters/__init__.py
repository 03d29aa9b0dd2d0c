"""Framework adapters: one class per framework name, imported only when used.

Only the adapter modules import their framework, so the worker, the protocol and
the specs stay importable in any interpreter (Chainer's virtualenv has no
chainfuse, torch or jax).
"""
import importlib

# name -> (module, class, the module that must be importable)
FRAMEWORKS = {
    'cf-eager': ('benchmarks.adapters.cf', 'Eager', 'chainfuse'),
    'cf-compiled': ('benchmarks.adapters.cf', 'Compiled', 'chainfuse'),
    'cf-step': ('benchmarks.adapters.cf', 'Step', 'chainfuse'),
    'cf-step-native': ('benchmarks.adapters.cf', 'StepNative', 'chainfuse'),
    'cf-step-ftz': ('benchmarks.adapters.cf', 'StepFlush', 'chainfuse'),
    'numpy': ('benchmarks.adapters.numpy_loop', 'NumpyLoop', 'numpy'),
    'chainer': ('benchmarks.adapters.chainer_peer', 'Chainer', 'chainer'),
    'torch': ('benchmarks.adapters.torch_peer', 'Torch', 'torch'),
    'torch-compile': ('benchmarks.adapters.torch_peer', 'TorchCompile', 'torch'),
    'jax': ('benchmarks.adapters.jax_peer', 'Jax', 'jax'),
    'bound': ('benchmarks.adapters.bound', 'Bound', 'numpy'),
}
CHAINFUSE = ('cf-eager', 'cf-compiled', 'cf-step', 'cf-step-native', 'cf-step-ftz')
COMPILED = ('cf-compiled', 'cf-step', 'cf-step-native', 'cf-step-ftz')
BOUND = 'bound'    # the step's GEMMs alone: no loss, the floor the others are held to


class Unavailable(Exception):
    """The framework is not importable in this interpreter (reported as skipped)."""


def load(name):
    """An instance of the adapter of framework `name`; `Unavailable` if not installed."""
    module, cls, needs = FRAMEWORKS[name]
    try:
        importlib.import_module(needs)
    except ImportError as e:
        raise Unavailable(f'{needs} is not importable: {e}') from None
    return getattr(importlib.import_module(module), cls)()

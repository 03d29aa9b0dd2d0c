"""``chainer`` is chainfuse, for Chainer's examples run unchanged (see ../../README.md).

Imported first (this directory leads ``PYTHONPATH``), it

- installs an import hook that answers ``import chainer.X`` (and ``chainerx``) with
  chainfuse's module of the same name (``chainfuse.X``, ``chainfuse.chainerx``), the
  very same module object, so a name chainfuse lacks fails as an ImportError or
  AttributeError that names it;
- fills the dataset cache (``$CHAINFUSE_DATASET_ROOT``, a fresh directory per run)
  with small generated data in the cache format of chainfuse's loaders, so
  ``chainer.datasets.get_mnist()`` and friends run their real code without network;
- with ``CHAINER7_EXAMPLE_COMPILE=1``, makes ``compile=True`` the default of
  ``StandardUpdater`` (the examples' updaters then run compiled training steps).

Nothing else differs from running the example under Chainer.
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

import numpy

import chainfuse


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``chainer.X`` -> ``chainfuse.X`` and ``chainerx`` -> ``chainfuse.chainerx``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith('chainer.') or fullname == 'chainerx' or \
                fullname.startswith('chainerx.'):
            if not _exists(_target(fullname)):
                return None
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module(_target(spec.name))
        sys.modules[spec.name] = module
        return module

    def exec_module(self, module):
        pass


def _exists(name):
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:      # a parent package is missing
        return False


def _target(fullname):
    if fullname.startswith('chainerx'):
        return 'chainfuse.chainerx' + fullname[len('chainerx'):]
    return 'chainfuse' + fullname[len('chainer'):]


def _generate_datasets(root):
    """Small data sets in the caches chainfuse's loaders read (no download)."""
    rng = numpy.random.RandomState(0)

    def save(path, **arrays):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        numpy.savez_compressed(path, **arrays)

    for split, n in (('train', 200), ('test', 120)):     # vae --test takes 100 test
        save(os.path.join(root, 'mnist', split + '.npz'),
             x=rng.randint(0, 256, (n, 784)).astype(numpy.uint8),
             y=rng.randint(0, 10, n).astype(numpy.uint8))
    for name, classes in (('cifar-10', 10), ('cifar-100', 100)):
        save(os.path.join(root, 'cifar', name + '.npz'),
             # 8: two steps of 4, since a compiled training step's first runs eagerly
             train_x=rng.randint(0, 256, (8, 3072)).astype(numpy.uint8),
             train_y=rng.randint(0, classes, 8).astype(numpy.uint8),
             test_x=rng.randint(0, 256, (4, 3072)).astype(numpy.uint8),
             test_y=rng.randint(0, classes, 4).astype(numpy.uint8))
    words = ['<eos>', '<unk>', 'the', 'a', 'cat', 'dog', 'sat', 'ran', 'on', 'mat', 'N']
    os.makedirs(os.path.join(root, 'ptb'), exist_ok=True)
    with open(os.path.join(root, 'ptb', 'vocab.txt'), 'w') as f:
        f.writelines(w + '\n' for w in words)
    for split, n in (('train', 600), ('valid', 120), ('test', 120)):
        save(os.path.join(root, 'ptb', split + '.npz'),
             x=rng.randint(0, len(words), n).astype(numpy.int32))


def _compile_by_default():
    from chainfuse.training.updaters import StandardUpdater
    init = StandardUpdater.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('compile', True)
        init(self, *args, **kwargs)
    StandardUpdater.__init__ = __init__


sys.meta_path.insert(0, _Alias())
sys.modules['chainer'] = chainfuse
_generate_datasets(os.environ['CHAINFUSE_DATASET_ROOT'])
if os.environ.get('CHAINER7_EXAMPLE_COMPILE') == '1':
    _compile_by_default()

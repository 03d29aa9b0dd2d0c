"""Writes tools/chainer7_names.json: the public names of Chainer 7.8.1, per module.

Run it with a Python that has chainer==7.8.1 installed (the project's reference venv):

    /work/venv-chainer7/bin/python tools/make_chainer_names.py

A *public name* of a module is an attribute that does not start with ``_``, is not a
module (``chainer.functions.array`` is a namespace, not an API) and, if it is a class
or a function, is defined by Chainer itself (``chainer.backend.numpy`` is NumPy,
re-exported by accident).  Constants and objects (``chainer.config``,
``PRIORITY_WRITER``) count.  `chainer_coverage.py` reads the file and counts which of
these names chainfuse has, without needing Chainer.
"""
import __future__
import importlib
import inspect
import json
import os
import sys
import types

MODULES = [
    'chainer', 'chainer.backend', 'chainer.backends.cuda', 'chainer.backends.intel64',
    'chainer.computational_graph', 'chainer.configuration', 'chainer.dataset',
    'chainer.datasets', 'chainer.distributions', 'chainer.function_hooks',
    'chainer.functions', 'chainer.gradient_check', 'chainer.initializers',
    'chainer.iterators', 'chainer.link_hooks', 'chainer.links', 'chainer.optimizer_hooks',
    'chainer.optimizers', 'chainer.reporter', 'chainer.serializers', 'chainer.testing',
    'chainer.testing.attr', 'chainer.testing.condition', 'chainer.training',
    'chainer.training.extensions', 'chainer.training.triggers',
    'chainer.training.updaters', 'chainer.utils', 'chainer.utils.type_check', 'chainerx',
]
OURS = ('chainer', 'chainerx')


def is_public(name, obj):
    if name.startswith('_') or isinstance(obj, types.ModuleType):
        return False
    if isinstance(obj, __future__._Feature):
        return False
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return (getattr(obj, '__module__', '') or '').split('.')[0] in OURS
    return True


def public_names(module_name):
    module = importlib.import_module(module_name)
    return sorted(n for n in dir(module) if is_public(n, getattr(module, n)))


def main():
    import chainer
    if chainer.__version__ != '7.8.1':
        sys.exit(f'expected chainer 7.8.1, found {chainer.__version__}')
    data = {'chainer_version': chainer.__version__,
            'modules': {m: public_names(m) for m in MODULES}}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'chainer7_names.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write('\n')
    os.replace(path + '.tmp', path)
    total = sum(len(v) for v in data['modules'].values())
    print(f'wrote {path}: {total} names in {len(MODULES)} modules')


if __name__ == '__main__':
    main()

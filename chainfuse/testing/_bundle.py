"""How Chainer's class decorators (`parameterize`, `inject_backend_tests`, `fix_random`)
turn one test class into several.

A decorator built by `make_decorator` replaces the class in its module by generated
subclasses, one per parameter set, each defined in the module under its own name (so
unittest and pytest collect them) with its ``test_*`` methods wrapped.  It returns a
`Bundle` of them, not a class, so decorators stack: the next one expands every class
of the bundle (and removes it from the module) in turn.
"""
import collections
import inspect
import sys

Generated = collections.namedtuple('Generated', ('klass', 'module_name', 'class_name'))


class Bundle:
    """The classes a decorator generated (what the decorated name is bound to)."""

    def __init__(self, cases):
        self.cases = list(cases)


def make_decorator(generator):
    """A class decorator from ``generator(base) -> [(name, members, wrap_method)]``:
    ``wrap_method(test_method)`` returns the generated class's method (None drops it)."""
    def decorate(target):
        cases = target.cases if isinstance(target, Bundle) else [Generated(target, None, None)]
        generated = []
        for klass, module_name, class_name in cases:
            if module_name is not None:       # a class an earlier decorator generated
                delattr(sys.modules[module_name], class_name)
            module = sys.modules[module_name or klass.__module__]
            for name, members, wrap in generator(klass):
                generated.append(_generate(klass, module, name, members, wrap))
        return Bundle(generated)
    return decorate


def _generate(base, module, name, members, wrap):
    members = dict(members)
    for method_name, method in inspect.getmembers(base, inspect.isfunction):
        if method_name.startswith('test_'):
            members[method_name] = wrap(method)
    cls = type(name, (base,), members)
    cls.__module__ = module.__name__
    setattr(module, name, cls)
    return Generated(cls, module.__name__, name)

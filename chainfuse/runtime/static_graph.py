"""Chainer's static subgraph decorators, on chainfuse's compiler.

``@static_graph`` on a Chain's ``__call__``/``forward`` compiles the Chain on its first
call: the same front end as `chainfuse.compile` (trace, guards, fused plans, eager
fallback).  Chainer's own options are accepted: ``check_input_types`` and
``minimize_cache_size`` have nothing to configure here (the signature of every call
is checked; plans are cached per signature), ``verbosity_level`` is ignored, and
``enable_double_backprop=True`` runs the method eagerly (a compiled backward is not
differentiable again).  ``config.use_static_graph = False`` runs it eagerly too.

``@static_code`` marks a function with side effects that must run on every call
(Chainer's example counts iterations in one).  A compiled plan runs no Python code,
so a replay would skip it: when a static_code function is called while a call is
being traced, the trace stops with a `GraphBreak` *before* the function runs, and
that call signature runs eagerly (one warning names the function and the line).
The function therefore runs exactly once per call, as it does eagerly.  Outside a
trace it is a plain call.
"""
import functools

from chainfuse.config import config
from chainfuse.core import tracing
from chainfuse.runtime.compiled import CompiledCallable
from chainfuse.tracer.errors import GraphBreak, user_location

# Chainer's static_graph options that chainfuse has nothing to configure for
_CHAINER_OPTIONS = ('check_input_types', 'minimize_cache_size', 'verbosity_level')


def static_graph(*args, **options):
    """Compiles a Chain on the first call of the decorated method (``@static_graph``,
    ``@static_graph(fallback='raise')`` or with Chainer's options; module docstring)."""
    for name in _CHAINER_OPTIONS:
        options.pop(name, None)
    double = options.pop('enable_double_backprop', False)

    def wrap(fn):
        @functools.wraps(fn)
        def call(self, *args, **kwargs):
            if double or not config.use_static_graph:
                return fn(self, *args, **kwargs)
            state = self.__dict__.get('_chainfuse_static')
            if state is None:
                state = CompiledCallable(functools.partial(fn, self), link=self, **options)
                state.__name__ = type(self).__name__
                self.__dict__['_chainfuse_static'] = state
            return state(*args, **kwargs)
        return call

    if len(args) == 1 and not options and callable(args[0]) and not double:
        return wrap(args[0])
    if args:
        raise TypeError('static_graph takes the method, or keyword options only')
    return wrap


def static_code(*args, func_name=None):
    """Marks a function with side effects that must run on every call of a static
    graph (``@static_code`` or ``@static_code(func_name='...')``; module docstring)."""
    def wrap(fn):
        name = func_name or getattr(fn, '__qualname__', repr(fn))

        @functools.wraps(fn)
        def run(*a, **kw):
            if tracing.current() is not None:
                raise GraphBreak(
                    f'@static_code function {name} has side effects that must run on every '
                    'call, and a compiled plan runs no Python code', user_location(2))
            return fn(*a, **kw)
        run._chainfuse_static_code = True
        return run

    if len(args) == 1 and callable(args[0]):
        return wrap(args[0])
    if args:
        raise TypeError('static_code takes the function, or func_name= only')
    return wrap

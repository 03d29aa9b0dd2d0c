"""The runtime: `compile`, `eager`, `static_graph`, CompiledFunction (see compiled.py)."""
import contextlib

from chainfuse.config import using_config
from chainfuse.runtime.compiled import (  # noqa: F401
    CompiledCallable, CompiledFunction, compile)


@contextlib.contextmanager
def eager():
    """Within this block every compiled model runs eagerly (pdb, prints, .array work)."""
    with using_config('compile', False):
        yield


def static_graph(method=None, **options):
    """Chainer-style decorator for a Chain's ``__call__``/``forward``: compiles the Chain
    on its first call (``@static_graph`` or ``@static_graph(fallback='raise')``)."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def call(self, *args, **kwargs):
            state = self.__dict__.get('_chainfuse_static')
            if state is None:
                state = CompiledCallable(functools.partial(fn, self), link=self, **options)
                state.__name__ = type(self).__name__
                self.__dict__['_chainfuse_static'] = state
            return state(*args, **kwargs)
        return call
    return wrap(method) if method is not None else wrap


from chainfuse.runtime.explain import dump, explain  # noqa: E402,F401
from chainfuse.runtime.step import CompiledStep, compile_step  # noqa: E402,F401

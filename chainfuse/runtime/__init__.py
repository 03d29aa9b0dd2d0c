"""The runtime: `compile`, `eager`, `static_graph`/`static_code`, CompiledFunction
(see compiled.py and static_graph.py)."""
import contextlib

from chainfuse.config import using_config
from chainfuse.runtime.compiled import (  # noqa: F401
    CompiledCallable, CompiledFunction, compile)


@contextlib.contextmanager
def eager():
    """Within this block every compiled model runs eagerly (pdb, prints, .array work)."""
    with using_config('compile', False):
        yield


from chainfuse.runtime.static_graph import static_code, static_graph  # noqa: E402,F401
from chainfuse.runtime.explain import dump, explain  # noqa: E402,F401
from chainfuse.runtime.step import CompiledStep, compile_step  # noqa: E402,F401

"""In-place updates of persistent state (BatchNormalization's running statistics).

Ops never mutate their inputs.  A function that must update a persistent array
computes the new value with ops and hands it to `update_state`, which copies it into
the array.  While a tracer records, the same call becomes a *state output* of the
graph, written back after every replay.
"""
import numpy

from chainfuse import backend
from chainfuse.core.tracing import local as _tracing
from chainfuse.core.variable import Variable


def update_state(target, new_value):
    """Copies `new_value` (Variable or array) into the array `target` in place."""
    tracer = _tracing.tracer
    if tracer is not None:
        tracer.on_state(target, new_value)
    data = new_value._data if isinstance(new_value, Variable) else new_value
    xp = backend.get_array_module(target)
    frozen = tracer is not None and isinstance(target, numpy.ndarray) and \
        not target.flags.writeable      # marked read-only by the trace, for user writes
    if frozen:
        target.flags.writeable = True
    try:
        xp.copyto(target, data.astype(target.dtype, copy=False))
    finally:
        if frozen:
            target.flags.writeable = False

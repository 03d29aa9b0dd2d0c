"""In-place updates of persistent state (BatchNormalization's running statistics).

Ops never mutate their inputs.  A function that must update a persistent array
computes the new value with ops and hands it to `update_state`, which copies it into
the array.  While a tracer records, the same call becomes a *state output* of the
graph, written back after every replay.
"""
from chainfuse import backend
from chainfuse.core.variable import Variable

state_hook = None  # set by the tracer: hook(target_array, new_value_variable)


def update_state(target, new_value):
    """Copies `new_value` (Variable or array) into the array `target` in place."""
    if state_hook is not None:
        state_hook(target, new_value)
    data = new_value._data if isinstance(new_value, Variable) else new_value
    xp = backend.get_array_module(target)
    xp.copyto(target, data.astype(target.dtype, copy=False))

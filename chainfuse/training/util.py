"""Helpers shared by the trainer, triggers and extensions.

`get_trigger` turns what users pass as a trigger into a callable.  The
``serialize_*`` helpers store values that are not plain arrays or numbers (None,
JSON-able lists and dicts) so that one ``serialize(serializer)`` method works for
saving and loading alike: a serializer returns the value it was given, a
deserializer returns the stored one.  `write_atomically` is how logs and
snapshots reach the disk; `call_converter` and `call_with_arrays` are how the
updater and the evaluators turn a batch into a call.
"""
import json
import math

from chainfuse import serializer as serializer_module
from chainfuse import utils
from chainfuse.dataset.convert import Converter


def _never_fire_trigger(trainer):
    return False


def get_trigger(trigger):
    """A trigger from a callable (returned as is), None (never fires) or ``(n, unit)``."""
    if callable(trigger):
        return trigger
    if trigger is None:
        return _never_fire_trigger
    from chainfuse.training.triggers.interval_trigger import IntervalTrigger
    try:
        period, unit = trigger
    except (TypeError, ValueError):
        raise TypeError('a trigger must be a callable, None or a (period, unit) tuple such as '
                        f"(1, 'epoch'), got {trigger!r}") from None
    return IntervalTrigger(period, unit)


def is_saving(serializer):
    """True for a serializer that writes (save_npz), False for one that reads (load_npz)."""
    if isinstance(serializer, serializer_module.Serializer):
        return True
    if isinstance(serializer, serializer_module.Deserializer):
        return False
    raise TypeError(f'expected a chainfuse Serializer or Deserializer, got '
                    f'{type(serializer).__name__}')


def serialize_json(serializer, key, value):
    """Saves or loads a JSON-able value (list, dict, str, numbers) as one string entry."""
    return json.loads(str(serializer(key, json.dumps(value))))


def serialize_optional(serializer, key, value):
    """Saves or loads a float that may be None (stored as NaN)."""
    stored = serializer(key, float('nan') if value is None else float(value))
    stored = float(stored)
    return None if math.isnan(stored) else stored


def write_atomically(path, write):
    """Writes a file through a temporary one in the same directory, then renames it.

    ``write(tmp_path)`` writes the content; `chainfuse.utils.atomic_path` then gives
    it a plain ``open``'s permissions and swaps it in, so a reader (or a crash)
    never sees a half-written file.
    """
    with utils.atomic_path(path) as tmp:
        write(tmp)


def call_converter(converter, batch, device):
    """Converts a batch with Chainer's calling convention.

    A `chainfuse.dataset.Converter` (``concat_examples``, functions decorated with
    ``@converter()``) receives the Device (or None); a plain function receives the
    legacy spec of Chainer v1 code: None, -1 for the CPU or the GPU id.
    """
    if isinstance(converter, Converter) or device is None:
        return converter(batch, device)
    return converter(batch, getattr(device, 'id', -1))


def call_with_arrays(fn, in_arrays):
    """``fn(*in_arrays)`` for a tuple, ``fn(**in_arrays)`` for a dict, else ``fn(in_arrays)``."""
    if isinstance(in_arrays, tuple):
        return fn(*in_arrays)
    if isinstance(in_arrays, dict):
        return fn(**in_arrays)
    return fn(in_arrays)

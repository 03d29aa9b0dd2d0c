"""What the NPZ and HDF5 (de)serializers share: value conversion, loading one value into
an object's attribute with checks, error types, and atomic file replacement."""
import warnings

import numpy

from chainfuse import backend
from chainfuse.utils import atomic_path  # noqa: F401  (re-exported for the serializers)


class MissingKeyError(KeyError):
    """A value the object expects is not in the file (a KeyError, as in Chainer)."""

    def __str__(self):  # KeyError would print the message quoted
        return str(self.args[0]) if self.args else ''


class SerializationError(ValueError):
    """A file that cannot be loaded into the object: wrong shapes, extra keys, corruption."""


def to_host(value):
    """The NumPy array a serializer stores for `value` (Variable, array, scalar, str, None)."""
    if hasattr(value, 'xp') and hasattr(value, 'array'):  # a Variable
        value = value.array
    if backend.is_cupy_array(value):
        return value.get()
    return numpy.asarray(value)


def _shape_error(who, key, file_shape, obj_shape, strict):
    msg = (f'{who}: shape mismatch for {key!r}: the file has shape {tuple(file_shape)} '
           f'but the object has shape {tuple(obj_shape)}')
    if strict:
        raise SerializationError(msg + '. The file was saved from a differently shaped model;'
                                 ' pass strict=False to skip such entries, or ignore_names')
    warnings.warn(msg + '; the entry is skipped (strict=False)', RuntimeWarning, stacklevel=4)


def assign(who, key, value, data, strict):
    """Loads the stored array `data` into `value` and returns the loaded value.

    Arrays are copied in place (shapes must match), None gets the stored array, Python
    and NumPy scalars and strings are converted to the type of `value`.
    """
    if value is None:
        return data
    if hasattr(value, 'xp') and hasattr(value, 'array'):  # a Variable: load its array
        assign(who, key, value.array, data, strict)
        return value
    if isinstance(value, numpy.ndarray) or backend.is_cupy_array(value):
        if tuple(data.shape) != tuple(value.shape):
            _shape_error(who, key, data.shape, value.shape, strict)
            return value
        try:
            if isinstance(value, numpy.ndarray):
                numpy.copyto(value, data)
            else:  # pragma: no cover - cupy
                value.set(numpy.asarray(data, dtype=value.dtype))
        except TypeError as e:
            raise SerializationError(f'{who}: cannot load {key!r} of dtype {data.dtype} into '
                                     f'an array of dtype {value.dtype}: {e}') from None
        return value
    return _convert_scalar(who, key, value, data)


def validate(who, key, value, data, strict):
    """Raises what `assign` would raise for loading `data` into `value`, changing nothing
    (a strict=False shape mismatch passes: the real load warns and skips it)."""
    if value is None or data is None:
        return
    if hasattr(value, 'xp') and hasattr(value, 'array'):  # a Variable
        value = value.array
        if value is None:
            return
    if isinstance(value, numpy.ndarray) or backend.is_cupy_array(value):
        if tuple(data.shape) != tuple(value.shape):
            if strict:
                _shape_error(who, key, data.shape, value.shape, strict)
            return
        if not numpy.can_cast(data.dtype, value.dtype, casting='same_kind'):
            raise SerializationError(f'{who}: cannot load {key!r} of dtype {data.dtype} into '
                                     f'an array of dtype {value.dtype}')
        return
    _convert_scalar(who, key, value, data)


def _convert_scalar(who, key, value, data):
    arr = numpy.asarray(data)
    if arr.ndim != 0:
        raise SerializationError(f'{who}: {key!r} holds an array of shape {arr.shape} but the '
                                 f'object expects a scalar ({type(value).__name__})')
    value_type = type(value)
    if isinstance(value, str):
        item = arr.item()
        return item.decode('utf-8') if isinstance(item, bytes) else str(item)
    if issubclass(arr.dtype.type, numpy.number) and not (
            issubclass(arr.dtype.type, numpy.integer) and isinstance(value, int)) and \
            not numpy.can_cast(arr.dtype, value_type):
        raise SerializationError(f'{who}: cannot load {key!r} of dtype {arr.dtype} into a '
                                 f'value of type {value_type.__name__}')
    return value_type(arr)


def missing_key(who, key, keys, path):
    """The MissingKeyError for `key`, with a hint of what the file holds."""
    near = [k for k in keys if k.rsplit('/', 1)[-1] == key.rsplit('/', 1)[-1]][:3]
    hint = f'; entries with the same name: {near}' if near else \
        f'; it holds {len(keys)} entries, e.g. {sorted(keys)[:3]}'
    where = f" under path '{path}'" if path else ''
    return MissingKeyError(
        f'{who}: {key!r} is not in the file{where}{hint}. The file was saved from a '
        'different object (or give path= for a sub-object of a snapshot); strict=False '
        'skips missing entries')


def check_unused(who, keys, visited, path):
    """Raises when the file holds entries under `path` that loading did not read."""
    extra = sorted(k for k in keys if k.startswith(path) and k not in visited)
    if extra:
        shown = ', '.join(repr(k) for k in extra[:8])
        more = f' and {len(extra) - 8} more' if len(extra) > 8 else ''
        raise SerializationError(
            f'{who}: the file has {len(extra)} entr{"y" if len(extra) == 1 else "ies"} the '
            f'object does not: {shown}{more}. The file was saved from a different object; '
            'pass strict=False (or ignore_names) to load the rest')


def ignored(ignore_names, key):
    """Whether `key` matches `ignore_names` (a name, a callable, or a list of them)."""
    if ignore_names is None:
        return False
    names = ignore_names if isinstance(ignore_names, (list, tuple)) else (ignore_names,)
    for name in names:
        if isinstance(name, str):
            if key == name:
                return True
        elif callable(name):
            if name(key):
                return True
        else:
            raise ValueError(f'ignore_names must be strings or callables, got {name!r}')
    return False

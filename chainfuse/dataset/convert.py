"""Converters: a batch (a list of examples) -> arrays on a device.

`concat_examples` turns "a list of tuples" into "a tuple of arrays": the ``k``-th
array stacks the ``k``-th element of every example along a new first axis.
Examples that are dicts give a dict of arrays; bare arrays give one array.  With
``padding``, arrays of different shapes are placed in an array of the smallest
shape that holds them all, the rest filled with the padding value.  Each result
is then sent to ``device`` (None leaves it where it is).

Updaters and evaluators call ``converter(batch, device)``.  The `converter`
decorator makes a function into a `Converter` whose ``device`` argument has been
resolved to a `chainfuse.backend.Device` (or None) before the function runs, so a
converter written for Device objects also accepts ``-1``, ``0`` or ``'@cupy:0'``.
"""
import numpy

from chainfuse import backend


class Converter:
    """Base class of converters: ``converter(batch, device) -> converted batch``."""

    def __call__(self, batch, device):
        raise NotImplementedError('a Converter must implement __call__(batch, device)')


class _FunctionConverter(Converter):
    """Wraps a function, resolving its ``device`` argument to a Device (or None)."""

    def __init__(self, func):
        if not callable(func):
            raise TypeError(f'converter() can only wrap a callable, got {type(func).__name__}')
        self.base_callable = func
        self.__name__ = getattr(func, '__name__', type(self).__name__)
        self.__doc__ = getattr(func, '__doc__', None)

    def __call__(self, *args, **kwargs):
        if len(args) >= 2:
            args = (args[0], _get_device(args[1])) + tuple(args[2:])
        elif 'device' in kwargs:
            kwargs['device'] = _get_device(kwargs['device'])
        return self.base_callable(*args, **kwargs)

    def __repr__(self):
        return f'<Converter {self.__name__}>'


def converter():
    """Decorator: ``@converter()`` turns ``f(batch, device)`` into a `Converter`."""
    return _FunctionConverter


def _get_device(spec):
    return None if spec is None else backend.get_device(spec)


def to_device(device, x):
    """Sends `x` (an array, or a list/tuple/dict of arrays) to `device`; None keeps it."""
    device = _get_device(device)
    if device is None:
        return x
    return device.send(x)


@converter()
def concat_examples(batch, device=None, padding=None):
    """Stacks a list of examples into arrays (see the module docstring).

    Args:
        batch (list): examples, each a tuple, a dict, an array or a scalar.
        device: where the arrays go (None: where they are; -1/'@numpy'; 0/'@cupy:0').
        padding: None (shapes must match) or the fill value for the padded array;
            a tuple (for tuple examples) or dict (for dict examples) gives one per field.

    Returns:
        A tuple, dict or single array, following the type of the examples.
    """
    if len(batch) == 0:
        raise ValueError('concat_examples: the batch is empty')
    first = batch[0]
    if isinstance(first, tuple):
        pads = padding if isinstance(padding, tuple) else (padding,) * len(first)
        _check_lengths(batch, len(first), pads)
        return tuple(to_device(device, _concat([ex[i] for ex in batch], pads[i], i))
                     for i in range(len(first)))
    if isinstance(first, dict):
        pads = padding if isinstance(padding, dict) else {k: padding for k in first}
        return {k: to_device(device, _concat([ex[k] for ex in batch], pads[k], k))
                for k in first}
    return to_device(device, _concat(batch, padding, None))


def _check_lengths(batch, n, pads):
    if len(pads) != n:
        raise ValueError(f'concat_examples: padding has {len(pads)} entries but each example '
                         f'has {n} elements')
    for j, ex in enumerate(batch):
        if not isinstance(ex, tuple) or len(ex) != n:
            raise ValueError(f'concat_examples: example 0 is a tuple of {n} elements but '
                             f'example {j} is {_describe(ex)}')


def _describe(x):
    if isinstance(x, tuple):
        return f'a tuple of {len(x)} elements'
    return f'a {type(x).__name__}'


def _concat(arrays, padding, field):
    if not backend.is_array(arrays[0]):
        if padding is None:
            return numpy.asarray(arrays)
        arrays = [numpy.asarray(a) for a in arrays]
    if padding is not None:
        return _concat_with_padding(arrays, padding)
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        where = '' if field is None else f' (element {field!r} of each example)'
        raise ValueError(f'concat_examples: arrays of different shapes {sorted(shapes)}'
                         f'{where}; pass padding=<fill value> to pad them to a common shape')
    device = backend.get_device_from_array(arrays[0])
    with device:
        return device.xp.stack(arrays)


def _concat_with_padding(arrays, padding):
    ndims = {a.ndim for a in arrays}
    if len(ndims) > 1:
        raise ValueError(f'concat_examples: cannot pad arrays of different ranks {sorted(ndims)}')
    shape = numpy.max([a.shape for a in arrays], axis=0) if arrays[0].ndim else ()
    device = backend.get_device_from_array(arrays[0])
    with device:
        out = device.xp.full((len(arrays),) + tuple(int(s) for s in shape), padding,
                             dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            out[(i,) + tuple(slice(d) for d in a.shape)] = a
    return out

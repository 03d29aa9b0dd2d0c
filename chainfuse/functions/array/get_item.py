"""``x[slices]``: basic indexing, integer-array indexing and boolean masks.

The key is split into two ops:

1. the *basic* part (ints, slices, None, Ellipsis, with every array entry replaced by
   ``:``) is one ``getitem`` op whose key is a static attr;
2. the integer arrays then pick along the axes they index with one ``take`` op, the
   indices being an op *input* (so a traced graph is fed new indices on every call).
   Several arrays are combined into one flat index over their (merged) axes:
   ``i0 * n1 + i1`` for ``x[i0, i1]``.

Placement follows numpy: when the advanced entries (arrays, and ints beside them) are
adjacent in the key, the indexed axes replace them in place; when a slice, None or
Ellipsis separates them, they come first.  A boolean mask is turned into integer
arrays with ``nonzero``; its output shape depends on the data, so inside a traced
function a mask that is a traced value is a graph break.
"""
import numpy

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.functions._util import is_array, prod, value_range
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


class _Index:
    """An integer-array entry of the key (a Variable or an array)."""

    def __init__(self, array, mask_shape=None, mask_part=0):
        self.array = array
        self.mask_shape = mask_shape  # set on the arrays that come from a boolean mask
        self.mask_part = mask_part


def _entries(key):
    """Converts each key entry: lists and arrays become `_Index` (a mask several)."""
    out = []
    for k in key:
        if k is None or k is Ellipsis or isinstance(k, slice):
            out.append(k)
        elif isinstance(k, (bool, numpy.bool_)):
            raise OpTypeError('get_item', f'a bare bool ({k!r}) is not a supported index; '
                                          'use None to add an axis')
        elif isinstance(k, (int, numpy.integer)):
            out.append(int(k))
        elif isinstance(k, Variable) or is_array(k) or isinstance(k, (list, tuple)):
            out.extend(_array_entries(k))
        else:
            raise OpTypeError('get_item', f'unsupported index {type(k).__name__} {k!r}: use '
                                          'ints, slices, None, Ellipsis, integer arrays or '
                                          'boolean masks')
    return out


def _array_entries(k):
    if isinstance(k, (list, tuple)):
        k = numpy.asarray(k)
        if k.size == 0:
            k = k.astype(numpy.intp)
    kind = k.dtype.kind
    if kind == 'b':
        mask = k.array if isinstance(k, Variable) else k
        if mask.ndim == 0:
            raise OpTypeError('get_item', 'a 0-d boolean mask is not supported')
        xp = backend.get_array_module(mask)
        return [_Index(a, tuple(mask.shape), i) for i, a in enumerate(xp.nonzero(mask))]
    if kind not in 'iu':
        raise OpTypeError('get_item', f'index arrays must hold integers or bools, got '
                                      f'{k.dtype.name}')
    return [_Index(k)]


def _expand_ellipsis(x, entries):
    consumed = sum(1 for e in entries if e is not None and e is not Ellipsis)
    n_ellipsis = sum(1 for e in entries if e is Ellipsis)
    if n_ellipsis > 1:
        raise OpTypeError('get_item', 'an index can only have a single Ellipsis (...)')
    if consumed > x.ndim:
        raise OpTypeError('get_item', f'too many indices ({consumed}) for an array of shape '
                                      f'{tuple(x.shape)}')
    out = []
    for e in entries:
        if e is Ellipsis:
            out.extend([slice(None)] * (x.ndim - consumed))
        else:
            out.append(e)
    return out


def _check_masks(x, entries):
    dim = 0
    for e in entries:
        if isinstance(e, _Index) and e.mask_shape is not None and e.mask_part == 0:
            want = tuple(x.shape[dim:dim + len(e.mask_shape)])
            if want != e.mask_shape:
                raise OpTypeError('get_item', f'boolean mask of shape {e.mask_shape} does not '
                                              f'match the indexed axes {want} of '
                                              f'{tuple(x.shape)}')
        if e is not None:
            dim += 1


def get_item(x, slices):
    """``x[slices]`` (see the module docstring); the gradient scatters back into zeros of
    x's shape (accumulating repeated integer indices)."""
    key = slices if isinstance(slices, tuple) else (slices,)
    entries = _entries(key)
    if not any(isinstance(e, _Index) for e in entries):
        return A.getitem(x, key=A.normalize_key(tuple(entries), 'get_item'))
    entries = _expand_ellipsis(x, entries)
    _check_masks(x, entries)
    return _advanced(x, entries)


def _advanced(x, entries):
    basic, axes, arrays = [], [], []
    out_axis = 0
    for e in entries:
        if isinstance(e, _Index):
            basic.append(slice(None))
            axes.append(out_axis)
            arrays.append(e.array)
        else:
            basic.append(e)
        if not isinstance(e, int):
            out_axis += 1
    positions = [i for i, e in enumerate(entries) if isinstance(e, (int, _Index))]
    adjacent = positions[-1] - positions[0] + 1 == len(positions)
    y = x
    if any(e is not None and not (isinstance(e, slice) and e == slice(None)) for e in basic):
        y = A.getitem(x, key=A.normalize_key(tuple(basic), 'get_item'))
    if not adjacent:  # numpy puts the indexed axes first
        y = A.transpose(y, axes=tuple(axes) + tuple(a for a in range(y.ndim) if a not in axes))
        axes = list(range(len(axes)))
    start = axes[0]
    if len(arrays) == 1:
        return A.take(y, arrays[0], axis=start)
    dims = tuple(y.shape[a] for a in axes)
    index = _flat_index(arrays, dims)
    merged = tuple(y.shape[:start]) + (prod(dims),) + tuple(y.shape[start + len(axes):])
    return A.take(A.reshape(y, shape=merged), index, axis=start)


def _flat_index(arrays, dims):
    """``i0 * (n1 * n2 ...) + i1 * (n2 ...) + ...`` over broadcast index arrays, negative
    indices wrapped; plain arrays are checked against the bounds here (a Variable's values
    are not read)."""
    flat = None
    stride = prod(dims)
    for a, n in zip(arrays, dims):
        stride //= n
        if not isinstance(a, Variable):
            _check_bounds(a, n)
        a = E.astype(a, dtype=numpy.dtype(numpy.int64))
        a = E.where(E.less(a, 0), E.add(a, n), a)
        term = E.mul(a, stride) if stride != 1 else a
        flat = term if flat is None else E.add(flat, term)
    return flat


def _check_bounds(a, n):
    if not a.size:
        return
    low, high = value_range(a)
    if low < -n or high >= n:
        raise IndexError(f'get_item: index out of bounds for an axis of length {n} '
                         f'(indices range from {low} to {high})')

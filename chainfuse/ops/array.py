"""Movement primitives: ops that rearrange elements without arithmetic.

- ``reshape``, ``transpose``, ``broadcast_to`` and its adjoint ``sum_to`` (which sums; it
  lives here beside ``broadcast_to``);
- ``stop_gradient``: identity without a gradient;
- ``getitem`` (static basic indexing: ints, slices, None, Ellipsis, stored as a hashable
  key attr) and its adjoint ``getitem_grad`` (a scatter into zeros);
- ``take`` (integer-array indexing along one axis; the indices are an *input*, so a traced
  graph is fed new labels on every call) and its adjoint ``take_grad`` (a scatter-add);
- ``concat`` (any number of inputs) and ``split`` (as many outputs as pieces);
- ``pad`` (constant mode) and ``to_device`` (a differentiable device copy).

Every adjoint is itself an op whose vjp is the forward op, so double backprop works.
"""
import functools
import operator

import numpy

from chainfuse import backend
from chainfuse.ops.registry import Aval, MOVEMENT, OTHER, OpTypeError, REQUIRED, defop


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


# ---- reshape ----

def _reshape_infer(x, shape):
    if _prod(shape) != x.size:
        raise OpTypeError('reshape', f'cannot reshape an array of shape {x.shape} '
                                     f'(size {x.size}) into shape {shape}')
    return Aval(shape, x.dtype)


reshape = defop('reshape', kind=MOVEMENT, impl=lambda xp, x, shape: x.reshape(shape),
                infer=_reshape_infer, attrs=dict(shape=REQUIRED),
                vjp=lambda ctx, gy: (reshape(gy, shape=ctx.in_avals[0].shape),))


def resolve_shape(shape, size, op='reshape'):
    """Resolves one -1 in a target shape, as numpy does."""
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise OpTypeError(op, f'can only specify one unknown dimension, got {shape}')
    if -1 in shape:
        known = _prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise OpTypeError(op, f'cannot reshape an array of size {size} into shape {shape}')
        shape = tuple(size // known if s == -1 else s for s in shape)
    return shape


# ---- transpose ----

def _transpose_infer(x, axes):
    if sorted(axes) != list(range(x.ndim)):
        raise OpTypeError('transpose', f'axes {axes} are not a permutation of the '
                                       f'{x.ndim} axes of shape {x.shape}')
    return Aval(tuple(x.shape[a] for a in axes), x.dtype)


def _transpose_vjp(ctx, gy):
    axes = ctx.attrs['axes']
    inverse = tuple(int(i) for i in numpy.argsort(axes))
    return (transpose(gy, axes=inverse),)


transpose = defop('transpose', kind=MOVEMENT, impl=lambda xp, x, axes: x.transpose(axes),
                  infer=_transpose_infer, vjp=_transpose_vjp,
                  attrs=dict(axes=REQUIRED))


# ---- broadcast_to and its adjoint sum_to ----

def _broadcast_to_infer(x, shape):
    ok = len(shape) >= x.ndim and all(
        s == t or s == 1 for s, t in zip(x.shape[::-1], shape[::-1]))
    if not ok:
        raise OpTypeError('broadcast_to', f'cannot broadcast shape {x.shape} to {shape}')
    return Aval(shape, x.dtype)


# inside a fused group broadcast_to is an index mapping: the element is the input's
broadcast_to = defop('broadcast_to', kind=MOVEMENT,
                     impl=lambda xp, x, shape: xp.broadcast_to(x, shape),
                     infer=_broadcast_to_infer, attrs=dict(shape=REQUIRED), expr='{0}',
                     vjp=lambda ctx, gy: (sum_to(gy, shape=ctx.in_avals[0].shape),))


@functools.lru_cache(maxsize=4096)
def sum_to_axes(in_shape, shape):
    """Axes to sum (with keepdims) and leading axes to drop to bring `in_shape` to `shape`."""
    lead = len(in_shape) - len(shape)
    axes = tuple(lead + i for i, s in enumerate(shape) if s == 1 and in_shape[lead + i] != 1)
    return tuple(range(lead)), axes


def _sum_to_impl(xp, x, shape):
    if x.shape == shape:
        return x
    lead, axes = sum_to_axes(x.shape, shape)
    y = x.sum(axis=lead + axes, keepdims=True)
    return y.reshape(shape) if lead else y


def _sum_to_infer(x, shape):
    ok = len(shape) <= x.ndim and all(
        s == t or s == 1 for s, t in zip(shape[::-1], x.shape[::-1]))
    if not ok:
        raise OpTypeError('sum_to', f'cannot sum shape {x.shape} to {shape}')
    return Aval(shape, x.dtype)


sum_to = defop('sum_to', kind=MOVEMENT, impl=_sum_to_impl, infer=_sum_to_infer,
               attrs=dict(shape=REQUIRED),
               vjp=lambda ctx, gy: (broadcast_to(gy, shape=ctx.in_avals[0].shape),))


def _as_array(xp, y):
    """numpy turns 0-d results into scalars; ops always return arrays."""
    return y if isinstance(y, xp.ndarray) else xp.asarray(y)


def _zeros(like, shape):
    """A zero gradient of `shape` built with an op (a broadcast 0-d zero), so a backward rule
    that needs one stays traceable; `like` is a Variable giving the dtype and device."""
    zero = like.xp.zeros((), like.dtype)
    return broadcast_to(zero, shape=tuple(shape))


# ---- stop_gradient ----

stop_gradient = defop(
    'stop_gradient', kind=MOVEMENT, impl=lambda xp, x: x, infer=lambda x: x,
    differentiable=False,
    doc='stop_gradient(x): x itself; no gradient flows back through it (used by softmax '
        'and logsumexp to shift by a max without differentiating the shift).')


# ---- static basic indexing: getitem and its adjoint getitem_grad ----

class Slice:
    """A hashable stand-in for `slice` in a ``key`` attr (slices are unhashable before
    Python 3.12); it prints as ``start:stop:step``."""

    __slots__ = ('start', 'stop', 'step')

    def __init__(self, start=None, stop=None, step=None):
        object.__setattr__(self, 'start', start)
        object.__setattr__(self, 'stop', stop)
        object.__setattr__(self, 'step', step)

    def __setattr__(self, name, value):
        raise AttributeError('Slice is immutable')

    def _fields(self):
        return (self.start, self.stop, self.step)

    def __eq__(self, other):
        return isinstance(other, Slice) and self._fields() == other._fields()

    def __hash__(self):
        return hash(('Slice',) + self._fields())

    def __reduce__(self):
        return Slice, self._fields()

    def to_slice(self):
        return slice(self.start, self.stop, self.step)

    def __repr__(self):
        out = f'{_blank(self.start)}:{_blank(self.stop)}'
        return out if self.step is None else f'{out}:{self.step}'


def _blank(v):
    return '' if v is None else str(v)


def _index_int(v):
    return None if v is None else operator.index(v)


def normalize_key(key, op='getitem'):
    """A basic-indexing key (ints, slices, None, Ellipsis, or a tuple of them) as a hashable
    tuple attr: slices become `Slice`, numpy integers become ints."""
    entries = key if isinstance(key, tuple) else (key,)
    out = []
    for k in entries:
        if k is None or k is Ellipsis:
            out.append(k)
        elif isinstance(k, (slice, Slice)):
            out.append(Slice(_index_int(k.start), _index_int(k.stop), _index_int(k.step)))
        elif isinstance(k, (int, numpy.integer)) and not isinstance(k, (bool, numpy.bool_)):
            out.append(int(k))
        else:
            raise OpTypeError(op, f'a static key holds ints, slices, None and Ellipsis only, '
                                  f'got {type(k).__name__} {k!r}; index with integer arrays '
                                  'through F.get_item (the take op)')
    return tuple(out)


def numpy_key(key):
    """The attr key as numpy reads it.  A trailing Ellipsis makes numpy return a 0-d view
    instead of a scalar when every axis is indexed by an int."""
    out = tuple(k.to_slice() if isinstance(k, Slice) else k for k in key)
    return out if any(k is Ellipsis for k in out) else out + (Ellipsis,)


def indexed_shape(shape, key, op='getitem'):
    """The shape of ``x[key]`` for x of `shape`, found on a zero-strided dummy (no memory)."""
    dummy = numpy.broadcast_to(numpy.empty((), numpy.bool_), shape)
    try:
        return dummy[numpy_key(key)].shape
    except (IndexError, TypeError, ValueError) as e:
        raise OpTypeError(op, f'cannot index an array of shape {tuple(shape)} with '
                              f'{_key_text(key)}: {e}') from None


def _key_text(key):
    return '[' + ', '.join('...' if k is Ellipsis else repr(k) for k in key) + ']'


def _check_key(op, key):
    if not isinstance(key, tuple) or normalize_key(key, op) != key:
        raise OpTypeError(op, f'key must be a tuple made by normalize_key (hashable: Slice '
                              f'for slices), got {key!r}')


def _getitem_infer(x, key):
    _check_key('getitem', key)
    return Aval(indexed_shape(x.shape, key), x.dtype)


getitem = defop(
    'getitem', kind=MOVEMENT, impl=lambda xp, x, key: x[numpy_key(key)],
    infer=_getitem_infer, attrs=dict(key=REQUIRED),
    vjp=lambda ctx, gy: (getitem_grad(gy, key=ctx.attrs['key'],
                                      shape=ctx.in_avals[0].shape),),
    doc='getitem(x, key): basic indexing x[key] (a view); key is a normalize_key tuple.')


def _getitem_grad_infer(gy, key, shape):
    _check_key('getitem_grad', key)
    want = indexed_shape(shape, key, 'getitem_grad')
    if gy.shape != want:
        raise OpTypeError('getitem_grad', f'gy must have shape {want} (the shape of x'
                                          f'{_key_text(key)} for x of shape {tuple(shape)}), '
                                          f'got {gy.shape}')
    return Aval(shape, gy.dtype)


def _getitem_grad_impl(xp, gy, key, shape):
    out = xp.zeros(shape, gy.dtype)
    out[numpy_key(key)] = gy  # basic indexing never repeats an element: no accumulation
    return out


getitem_grad = defop(
    'getitem_grad', kind=MOVEMENT, impl=_getitem_grad_impl, infer=_getitem_grad_infer,
    attrs=dict(key=REQUIRED, shape=REQUIRED),
    vjp=lambda ctx, ggx: (getitem(ggx, key=ctx.attrs['key']),),
    doc='getitem_grad(gy, key, shape): zeros of `shape` with gy written at [key] (the '
        'adjoint of getitem).')


# ---- check_index: labels / ids validated where they are used ----

def _check_index_infer(x, size, ignore, fn, what, of):
    _expect_indices('check_index', x)
    return x


_UNSIGNED = {1: numpy.uint8, 2: numpy.uint16, 4: numpy.uint32, 8: numpy.uint64}


def _first_bad(xp, x, size, ignore):
    if x.size == 0:
        return None
    # a negative entry viewed as unsigned is huge: one max (a single pass, cheaper than
    # a comparison array and its all()) checks both ends
    unsigned = x if x.dtype.kind == 'u' else x.view(_UNSIGNED[x.dtype.itemsize])
    if int(unsigned.max()) < size:
        return None
    bad = (x < 0) | (x >= size)
    if ignore is not None:
        bad &= x != ignore
    if not bool(bad.any()):
        return None
    flat = int(xp.argmax(bad.ravel()))
    pos = tuple(int(i) for i in numpy.unravel_index(flat, x.shape))
    return int(x.ravel()[flat]), pos


def _check_index_impl(xp, x, size, ignore, fn, what, of):
    found = _first_bad(xp, x, size, ignore)
    if found is not None:
        value, pos = found
        also = f', or ignore_label={ignore}' if ignore is not None else ' (no ignore_label)'
        raise ValueError(f'{fn}: {what} {value} at position {pos} is out of range: '
                         f'{what}s must be in [0, {size}) for {size} {of}{also}')
    return x


check_index = defop(
    'check_index', kind=OTHER, impl=_check_index_impl, infer=_check_index_infer,
    differentiable=False, attrs=dict(size=REQUIRED, ignore=None, fn='take', what='index', of='entries'),
    doc='check_index(x, size, ignore, fn, what, of): x itself, after checking that every entry '
        'is in [0, size) or equals `ignore`; otherwise a ValueError naming `fn`, the first '
        'bad value, its position and the valid range.  One pass over the labels, in every '
        'mode (it is a plan step like any other op), so a bad label cannot silently pick '
        'another sample\'s score through a flattened gather.')


# ---- integer-array indexing: take and its adjoint take_grad ----

def _check_axis(op, axis, ndim):
    if not -ndim <= axis < ndim:
        raise OpTypeError(op, f'axis {axis} is out of bounds for an array of ndim {ndim}')
    return axis % ndim


def _expect_indices(op, indices):
    if indices.dtype.kind not in 'iu':
        raise OpTypeError(op, f'indices must be an integer array, got {indices.dtype.name}')


def _take_infer(x, indices, axis):
    _expect_indices('take', indices)
    if x.ndim == 0:
        raise OpTypeError('take', 'cannot take from a 0-d array')
    axis = _check_axis('take', axis, x.ndim)
    return Aval(x.shape[:axis] + indices.shape + x.shape[axis + 1:], x.dtype)


def _take_impl(xp, x, indices, axis):
    return _as_array(xp, xp.take(x, indices, axis=axis))


def _take_vjp(ctx, gy):
    indices = ctx.inputs[1]
    return take_grad(gy, indices, axis=ctx.attrs['axis'], shape=ctx.in_avals[0].shape), None


take = defop(
    'take', kind=MOVEMENT, impl=_take_impl, infer=_take_infer, vjp=_take_vjp,
    attrs=dict(axis=0),
    doc='take(x, indices, axis=0): numpy.take; indices is an input (an int array), so a '
        'traced graph can be fed new indices on every call.  Negative indices count from '
        'the end; out-of-range indices raise (numpy) or wrap (cupy).')


def _take_grad_infer(gy, indices, axis, shape):
    _expect_indices('take_grad', indices)
    axis = _check_axis('take_grad', axis, len(shape))
    want = tuple(shape[:axis]) + indices.shape + tuple(shape[axis + 1:])
    if gy.shape != want:
        raise OpTypeError('take_grad', f'gy must have shape {want} to scatter {indices.shape} '
                                       f'indices along axis {axis} of {tuple(shape)}, got '
                                       f'{gy.shape}')
    return Aval(shape, gy.dtype)


def scatter_add(xp, out, index, values):
    """``out[index] += values``, repeated indices accumulating: ``add.at`` (numpy, and CuPy
    from v13), else ``cupyx.scatter_add`` (older CuPy)."""
    at = getattr(xp.add, 'at', None)
    if at is not None:
        at(out, index, values)
        return out
    import cupyx  # only reached with an older CuPy, which ships cupyx
    cupyx.scatter_add(out, index, values)
    return out


def _take_grad_impl(xp, gy, indices, axis, shape):
    axis = axis % len(shape)
    out = xp.zeros(shape, gy.dtype)
    return scatter_add(xp, out, (slice(None),) * axis + (indices,), gy)


def _take_grad_vjp(ctx, ggx):
    return take(ggx, ctx.inputs[1], axis=ctx.attrs['axis']), None


take_grad = defop(
    'take_grad', kind=MOVEMENT, impl=_take_grad_impl, infer=_take_grad_infer,
    vjp=_take_grad_vjp, attrs=dict(axis=0, shape=REQUIRED),
    doc='take_grad(gy, indices, axis, shape): zeros of `shape` with the slices of gy added '
        'at `indices` along `axis` (repeated indices accumulate): the adjoint of take.')


# ---- concat and split ----

def _concat_infer(*xs, axis=1):
    if not xs:
        raise OpTypeError('concat', 'needs at least one array')
    first = xs[0]
    if first.ndim == 0:
        raise OpTypeError('concat', 'cannot concatenate 0-d arrays')
    axis = _check_axis('concat', axis, first.ndim)
    total = 0
    for i, x in enumerate(xs):
        if x.dtype != first.dtype:
            raise OpTypeError('concat', f'input {i} has dtype {x.dtype.name}, input 0 has '
                                        f'{first.dtype.name}; cast them to one dtype first')
        same = x.ndim == first.ndim and all(
            s == t for d, (s, t) in enumerate(zip(x.shape, first.shape)) if d != axis)
        if not same:
            raise OpTypeError('concat', f'input {i} has shape {x.shape}, which does not match '
                                        f'input 0 {first.shape} outside axis {axis}')
        total += x.shape[axis]
    shape = first.shape[:axis] + (total,) + first.shape[axis + 1:]
    return Aval(shape, first.dtype)


def _concat_vjp(ctx, gy):
    axis = ctx.attrs['axis'] % gy.ndim
    sizes = [a.shape[axis] for a in ctx.in_avals]
    points = tuple(int(p) for p in numpy.cumsum(sizes)[:-1])
    parts = split(gy, indices=points, axis=axis)
    return tuple(g if ctx.needs_grad(i) else None for i, g in enumerate(parts))


concat = defop(
    'concat', kind=MOVEMENT,
    impl=lambda xp, *xs, axis=1: xp.concatenate(xs, axis=axis),
    infer=_concat_infer, vjp=_concat_vjp, attrs=dict(axis=1),
    doc='concat(*xs, axis=1): numpy.concatenate of any number of inputs.')


def split_sizes(n, indices):
    """Sizes of the pieces ``numpy.split`` makes of a length-n axis at `indices`."""
    bounds = (0,) + tuple(indices) + (n,)
    return tuple(len(range(n)[s:e]) for s, e in zip(bounds[:-1], bounds[1:]))


def _split_infer(x, indices, axis):
    if not isinstance(indices, tuple) or not all(type(i) is int for i in indices):
        raise OpTypeError('split', f'indices must be a tuple of ints (split points), got '
                                   f'{indices!r}')
    if x.ndim == 0:
        raise OpTypeError('split', 'cannot split a 0-d array')
    axis = _check_axis('split', axis, x.ndim)
    sizes = split_sizes(x.shape[axis], indices)
    if sum(sizes) != x.shape[axis]:
        raise OpTypeError('split', f'split points {indices} overlap on an axis of length '
                                   f'{x.shape[axis]}; they must not decrease')
    return tuple(Aval(x.shape[:axis] + (n,) + x.shape[axis + 1:], x.dtype) for n in sizes)


def _split_vjp(ctx, *gys):
    x = ctx.in_avals[0]
    axis = ctx.attrs['axis'] % x.ndim
    like = next(g for g in gys if g is not None)
    parts = []
    for g, n in zip(gys, split_sizes(x.shape[axis], ctx.attrs['indices'])):
        shape = x.shape[:axis] + (n,) + x.shape[axis + 1:]
        parts.append(g if g is not None else _zeros(like, shape))
    return (concat(*parts, axis=axis),)


split = defop(
    'split', kind=MOVEMENT,
    impl=lambda xp, x, indices, axis: tuple(xp.split(x, list(indices), axis=axis)),
    infer=_split_infer, vjp=_split_vjp, n_outputs=None,
    attrs=dict(indices=REQUIRED, axis=REQUIRED),
    doc='split(x, indices, axis): numpy.split at the split points `indices` (a tuple); one '
        'output per piece (len(indices) + 1 of them).')


# ---- constant padding ----

def normalize_pad_width(pad_width, ndim, op='pad'):
    """numpy's pad_width forms (int, (before, after), or one pair per axis) as a tuple of
    ``(before, after)`` int pairs, one per axis."""
    try:
        widths = numpy.broadcast_to(numpy.asarray(pad_width, dtype=numpy.int64), (ndim, 2))
    except ValueError:
        raise OpTypeError(op, f'pad_width {pad_width!r} does not fit an array of ndim '
                              f'{ndim}: give an int, a (before, after) pair, or one pair '
                              'per axis') from None
    return tuple((int(b), int(a)) for b, a in widths)


def _pad_infer(x, pad_width, constant_values):
    pairs = isinstance(pad_width, tuple) and all(
        isinstance(p, tuple) and len(p) == 2 and all(type(w) is int and w >= 0 for w in p)
        for p in pad_width)
    if not pairs or len(pad_width) != x.ndim:
        raise OpTypeError('pad', f'pad_width must hold one non-negative (before, after) pair '
                                 f'per axis of shape {x.shape}, got {pad_width}')
    shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pad_width))
    return Aval(shape, x.dtype)


def _pad_impl(xp, x, pad_width, constant_values):
    return xp.pad(x, pad_width, mode='constant', constant_values=constant_values)


def _pad_vjp(ctx, gy):
    shape = ctx.in_avals[0].shape
    key = tuple(Slice(b, b + n, None) for (b, _), n in zip(ctx.attrs['pad_width'], shape))
    return (getitem(gy, key=key),)


pad = defop(
    'pad', kind=MOVEMENT, impl=_pad_impl, infer=_pad_infer, vjp=_pad_vjp,
    attrs=dict(pad_width=REQUIRED, constant_values=0),
    doc='pad(x, pad_width, constant_values=0): numpy.pad in constant mode; pad_width is a '
        'tuple of (before, after) pairs, one per axis.')


# ---- device copy ----

def _to_device_impl(xp, x, device, source):
    return backend.to_device(device, x)


to_device = defop(
    'to_device', kind=OTHER, impl=_to_device_impl, infer=lambda x, device, source: x,
    attrs=dict(device=REQUIRED, source='@numpy'),
    vjp=lambda ctx, gy: (to_device(gy, device=ctx.attrs['source'],
                                   source=ctx.attrs['device']),),
    doc="to_device(x, device, source='@numpy'): x sent to `device` (a device name such as "
        "'@numpy' or '@cupy:0'); the gradient goes back to `source`.  On the same device the "
        'array itself is returned.')

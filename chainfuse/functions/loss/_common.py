"""Helpers shared by the loss functions: argument checks and label masks."""
import numpy

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def check_reduce(name, reduce, allowed=('mean', 'no')):
    if reduce not in allowed:
        shown = ' and '.join(repr(a) for a in allowed)
        raise ValueError(f'{name}: only {shown} are valid for reduce, got {reduce!r}')


def check_float(name, x, what='x'):
    if x.dtype.kind != 'f':
        raise OpTypeError(name, f'{what} must be a floating-point array, got '
                                f'{x.dtype.name}')


def check_labels(name, t, what='t'):
    if t.dtype.kind != 'i':
        raise OpTypeError(name, f'{what} must be a signed integer array of labels, got '
                                f'{t.dtype.name}')


def check_same_shape(name, a, b, what=('x0', 'x1')):
    if tuple(a.shape) != tuple(b.shape):
        raise OpTypeError(name, f'{what[0]} and {what[1]} must have the same shape, got '
                                f'{tuple(a.shape)} and {tuple(b.shape)}')
    if a.dtype != b.dtype:
        raise OpTypeError(name, f'{what[0]} and {what[1]} must have the same dtype, got '
                                f'{a.dtype.name} and {b.dtype.name}')


def valid_mask(t, ignore_label, dtype):
    """``(t != ignore_label)`` as a float array of `dtype` (1 = counted, 0 = ignored)."""
    return E.astype(E.not_equal(t, int(ignore_label)), dtype=dtype)


def safe_labels(t, ignore_label):
    """t with every ignored label replaced by 0, so it can index the class axis."""
    keep = E.astype(E.not_equal(t, int(ignore_label)), dtype=t.dtype)
    return E.mul(t, keep)


def wide_dtype(dtype):
    """The dtype losses are summed in: float32 for float16, whose sums overflow past 65504
    and stop counting at 2048."""
    return numpy.dtype(numpy.float32) if dtype.itemsize < 4 else dtype


def _widened(v):
    wide = wide_dtype(v.dtype)
    return v if v.dtype == wide else E.astype(v, dtype=wide)


def count_of(mask):
    """``max(sum(mask), 1)`` in the wide dtype: the number of counted entries, never 0."""
    return E.maximum(R.sum(_widened(mask)), 1.0)


def total_of(losses, count=None):
    """``sum(losses)``, or ``sum(losses) / count``, accumulated in the wide dtype and
    returned in the losses' dtype (the casts are ops, so gradients flow through)."""
    total = R.sum(_widened(losses))
    if count is not None:
        total = E.div(total, count)
    return total if total.dtype == losses.dtype else E.astype(total, dtype=losses.dtype)


def mean_of_all(v, x):
    """``sum(v) / x.size`` with the size as a constant."""
    return total_of(v, float(max(x.size, 1)))


def array_module(x):
    """numpy or cupy for a Variable or an array (without reading a traced value)."""
    return x.xp if isinstance(x, Variable) else backend.get_array_module(x)

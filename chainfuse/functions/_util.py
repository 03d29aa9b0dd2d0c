"""Small helpers shared by F.* wrappers: argument normalization and shape checks."""
import numpy

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.ops.registry import OpTypeError


def normalize_axis_arg(axis):
    """None stays None; an int or a sequence becomes a tuple of ints (hashable attr)."""
    if axis is None:
        return None
    if isinstance(axis, (int, numpy.integer)):
        return (int(axis),)
    return tuple(int(a) for a in axis)


def check_axis(fn, axis, ndim):
    """One axis in [-ndim, ndim) as a non-negative int; an OpTypeError naming `fn` if not."""
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise OpTypeError(fn, f'axis {axis} is out of bounds for an array of ndim {ndim}')
    return axis % ndim


def is_array(x):
    return isinstance(x, numpy.ndarray) or backend.is_cupy_array(x)


def is_array_like(x):
    """A Variable or a numpy/cupy array (what an op accepts as an input)."""
    return isinstance(x, Variable) or is_array(x)


def array_module(x):
    """numpy or cupy for a Variable or an array (a Variable's data is not read)."""
    return x.xp if isinstance(x, Variable) else backend.get_array_module(x)


def prod(shape):
    n = 1
    for s in shape:
        n *= int(s)
    return n


def value_range(a):
    """(min, max) of an integer index array as Python ints, for bounds checks.  Read
    through a plain ndarray view: while tracing, a numpy argument is a TracedArray,
    whose own numpy computations are graph breaks (this check needs no graph)."""
    if isinstance(a, numpy.ndarray):
        a = numpy.asarray(a)
    return int(a.min()), int(a.max())


def v1_kwargs(fn, kwargs):
    """Accepts Chainer v1's ``use_cudnn=`` keyword (with a DeprecationWarning: it chose
    cuDNN per call, which Chainer 2+ does with ``chainer.using_config('use_cudnn', ...)``;
    chainfuse computes the same either way) and rejects any other unknown keyword."""
    if 'use_cudnn' in kwargs:
        kwargs = dict(kwargs)
        kwargs.pop('use_cudnn')
        import warnings
        warnings.warn(f"{fn}: use_cudnn= is Chainer v1's argument and changes nothing here; "
                      "use `with chainer.using_config('use_cudnn', 'never'):` (or 'always', "
                      "'auto') to choose cuDNN", DeprecationWarning, stacklevel=3)
    if kwargs:
        raise TypeError(f'{fn}() got unexpected keyword argument(s) '
                        f'{", ".join(sorted(kwargs))}')

"""chainfuse.initializers: how Links fill their parameters (Chainer's names).

An initializer fills an array in place (``init(array)``).  `generate_array` creates
the array on the CPU, lets the initializer fill it, and sends it to the device;
random initializers draw from numpy's global generator (``numpy.random.seed``,
`chainfuse.set_random_seed`), as Chainer's do.
"""
import numbers

import numpy

from chainfuse import backend, random
from chainfuse.initializers import constant  # noqa: F401
from chainfuse.initializers.initializer import Initializer, get_fans  # noqa: F401
from chainfuse.initializers.constant import Constant, Identity, NaN, One, Zero  # noqa: F401
from chainfuse.initializers.normal import (  # noqa: F401
    GlorotNormal, HeNormal, LeCunNormal, Normal)
from chainfuse.initializers.uniform import (  # noqa: F401
    GlorotUniform, HeUniform, LeCunUniform, Uniform)
from chainfuse.initializers.orthogonal import Orthogonal  # noqa: F401
from chainfuse.initializers.sampling import (  # noqa: F401
    DownsamplingConvFilter, UpsamplingDeconvFilter)

__all__ = ['Initializer', 'Constant', 'Zero', 'One', 'NaN', 'Identity', 'Normal',
           'LeCunNormal', 'GlorotNormal', 'HeNormal', 'Uniform', 'LeCunUniform',
           'GlorotUniform', 'HeUniform', 'Orthogonal', 'UpsamplingDeconvFilter',
           'DownsamplingConvFilter', 'generate_array', 'get_fans',
           'init_weight']


def _get_initializer(spec):
    """Turns an initializer spec into an initializer.

    None gives LeCunNormal() (the default of Linear and Convolution2D), a scalar or an
    array gives Constant(spec), a callable is returned as is.
    """
    if spec is None:
        return LeCunNormal()
    if backend.is_array(spec) or isinstance(spec, numbers.Number):
        return Constant(spec)
    if not callable(spec):
        raise TypeError(f'an initializer must be an initializer, an array or a scalar, got '
                        f'{type(spec).__name__}')
    return spec


def _resolve_dtype(initializer, dtype):
    own = getattr(initializer, 'dtype', None)
    if dtype is not None and own is not None and numpy.dtype(dtype) != numpy.dtype(own):
        raise ValueError(f'generate_array: dtype {numpy.dtype(dtype)} differs from the '
                         f'dtype {numpy.dtype(own)} of {type(initializer).__name__}')
    if dtype is None:
        dtype = own
    if dtype is None:
        from chainfuse.config import config
        dtype = config.dtype
    return numpy.dtype(dtype)


def generate_array(initializer, shape, xp, dtype=None, device=None):
    """A new array of `shape` filled by `initializer`, on `device` (or where `xp` lives).

    The dtype is `dtype`, else the initializer's own dtype, else ``config.dtype``
    (float32).  The array is filled on the CPU and then sent to the device, so the
    values do not depend on where the parameter lives.
    """
    initializer = _get_initializer(initializer)
    if isinstance(shape, (int, numpy.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    array = numpy.empty(shape, dtype=_resolve_dtype(initializer, dtype))
    # through chainfuse.random.draw: a parameter created while a call is traced draws
    # from numpy's generator once, and the trace's watcher knows it may
    random.draw(lambda _: initializer(array))
    if device is not None:
        return backend.get_device(device).send(array)
    if xp is not numpy:  # pragma: no cover - cupy: the current device
        return xp.asarray(array)
    return array


def init_weight(weights, initializer, scale=1.0):
    """Fills the existing array `weights` in place with `initializer` (times `scale`)."""
    initializer = _get_initializer(initializer)
    random.draw(lambda _: initializer(weights))     # as generate_array: a tracer knows
    if scale != 1.0:
        weights *= scale

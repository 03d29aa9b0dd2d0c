"""Random primitives: arrays drawn from an explicit key.

Each op takes one input, ``key``: a uint64 array of shape (2,) drawn by
`chainfuse.random.next_key()`.  The output depends on the key (and the attrs) only,
never on hidden generator state:

- NumPy: ``numpy.random.Generator(numpy.random.Philox(key=key))``, a counter-based
  generator whose 128-bit key is exactly ``key`` and whose counter starts at 0;
- CuPy: cuRAND's Philox4x32-10 generator seeded from the key.

So the same key gives the same numbers on every call, and a traced graph that is fed
a fresh key per replay (the tracer makes the key an ``rng`` input) draws fresh numbers
each time.  ``device`` (``'@numpy'`` or ``'@cupy:N'``) says where the result lives:
the key itself is a small host array.

The ops are not differentiable: F.dropout multiplies by a mask built from `uniform`,
and the gradient flows through that product, not into the key.
"""
import numpy

from chainfuse import backend
from chainfuse.ops.registry import Aval, OpTypeError, RANDOM, REQUIRED, defop

_FLOATS = (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64))


def _infer(name):
    def infer(key, shape, dtype, device):
        if key.dtype != numpy.uint64 or key.shape != (2,):
            raise OpTypeError(name, f'key must be a uint64 array of shape (2,) (from '
                                    f'chainfuse.random.next_key()), got {key}')
        if numpy.dtype(dtype) not in _FLOATS:
            raise OpTypeError(name, f'dtype must be float32 or float64, got '
                                    f'{numpy.dtype(dtype).name}; draw float32 and cast')
        if any(int(s) < 0 for s in shape):
            raise OpTypeError(name, f'shape must not be negative, got {tuple(shape)}')
        return Aval(shape, dtype)
    return infer


def _host_key(key):
    """The key as two Python ints (a CuPy key is copied to the host)."""
    if backend.is_cupy_array(key):  # pragma: no cover - needs a GPU
        key = key.get()
    return [int(k) for k in numpy.asarray(key, dtype=numpy.uint64)]


def _numpy_generator(key):
    k = _host_key(key)
    return numpy.random.Generator(numpy.random.Philox(key=numpy.array(k, numpy.uint64)))


def _cupy_state(key):  # pragma: no cover - needs a GPU
    from cupy.cuda import curand
    k0, k1 = _host_key(key)
    seed = (k0 ^ (k1 * 0x9E3779B97F4A7C15)) & (2 ** 63 - 1)
    return backend.cupy.random.RandomState(
        seed, method=curand.CURAND_RNG_PSEUDO_PHILOX4_32_10)


def _draw(key, shape, dtype, device, numpy_fn, cupy_fn):
    dtype = numpy.dtype(dtype)
    dev = backend.get_device(device)
    if dev.xp is numpy:
        return numpy.asarray(numpy_fn(_numpy_generator(key), shape, dtype))
    with dev:  # pragma: no cover - needs a GPU
        return cupy_fn(_cupy_state(key), shape, dtype)


def _uniform_impl(xp, key, shape, dtype, device):
    return _draw(key, shape, dtype, device,
                 lambda g, s, d: g.random(s, dtype=d),
                 lambda r, s, d: r.random_sample(size=s, dtype=d))


def _normal_impl(xp, key, shape, dtype, device):
    return _draw(key, shape, dtype, device,
                 lambda g, s, d: g.standard_normal(s, dtype=d),
                 lambda r, s, d: r.standard_normal(size=s, dtype=d))


_ATTRS = dict(shape=REQUIRED, dtype=numpy.dtype(numpy.float32), device='@numpy')

uniform = defop(
    'uniform', kind=RANDOM, impl=_uniform_impl, infer=_infer('uniform'),
    differentiable=False, attrs=_ATTRS,
    doc="uniform(key, shape, dtype=float32, device='@numpy'): floats in [0, 1) drawn "
        'from the counter-based generator keyed by `key` (uint64[2]).')

normal = defop(
    'normal', kind=RANDOM, impl=_normal_impl, infer=_infer('normal'),
    differentiable=False, attrs=_ATTRS,
    doc="normal(key, shape, dtype=float32, device='@numpy'): standard normal floats "
        'drawn from the counter-based generator keyed by `key` (uint64[2]).')

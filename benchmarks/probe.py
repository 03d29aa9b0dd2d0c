"""Fixed speed probes the parent runs before and after every measurement.

`python_ms` times a single-threaded pure-Python loop: it shows the machine itself
being slow.  `blas_ms` times small multi-threaded float32 matmuls: on this shared
machine BLAS slows down by 3x or more in bursts while the Python probe stays
normal, so it shows the noise multi-threaded frameworks suffer.  Both return the
best of three runs, in milliseconds.
"""
import time

import numpy

_A = numpy.random.RandomState(0).random_sample((160, 160)).astype(numpy.float32)
_OUT = numpy.empty_like(_A)


def _python_loop():
    s = 0
    for i in range(60000):
        s += i * i % 7
    return s


def _blas_loop():
    for _ in range(5):
        numpy.matmul(_A, _A, out=_OUT)


def _best_ms(fn, runs=3):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        dt = (time.perf_counter() - t0) * 1e3
        best = dt if best is None else min(best, dt)
    return best


def python_ms():
    return _best_ms(_python_loop)


def blas_ms():
    return _best_ms(_blas_loop)


def warm_up():
    """Starts BLAS's threads (the very first matmul is slow)."""
    _blas_loop()


def read():
    """{'python_ms': ..., 'blas_ms': ...}"""
    return {'python_ms': round(python_ms(), 3), 'blas_ms': round(blas_ms(), 3)}

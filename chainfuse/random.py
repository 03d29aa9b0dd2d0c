"""chainfuse's own random generator and `set_random_seed`.

Initializers, dropout and iterators' shuffling draw from `get_generator()`, a
NumPy Generator, so `set_random_seed(s)` makes two runs identical.  Random ops
(dropout) take an explicit integer key drawn by `next_key()`: the op's result
depends only on that key, so a traced graph that receives a fresh key on every
replay draws fresh numbers, and the same seed gives the same numbers eagerly
and compiled.
"""
import random as _pyrandom

import numpy

from chainfuse import backend
from chainfuse.core.tracing import local as _tracing

_generator = numpy.random.default_rng()


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy, CuPy (when present) and chainfuse's generator."""
    global _generator
    seed = int(seed)
    _pyrandom.seed(seed)
    numpy.random.seed(seed % (2 ** 32))
    if backend.cupy is not None and backend.cuda_available():  # pragma: no cover
        backend.cupy.random.seed(seed)
    _generator = numpy.random.default_rng(seed)


def get_generator():
    """The NumPy Generator behind initializers and shuffling."""
    return _generator


def next_key():
    """A fresh key (uint64 array of shape (2,)) for a counter-based random op; a tracer
    recording this thread is told (``on_key``), with the generator's state before."""
    tracer = _tracing.tracer
    before = None if tracer is None else get_state()
    key = _generator.integers(0, 2 ** 63, size=2, dtype=numpy.uint64)
    if tracer is not None:
        tracer.on_key(key, before)
    return key


def get_state():
    """The generator's state, to restore with `set_state` (the tracer uses this)."""
    return _generator.bit_generator.state


def set_state(state):
    _generator.bit_generator.state = state

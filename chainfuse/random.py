"""Where chainfuse's random numbers come from: numpy's global generator, as in Chainer.

Initializers, the default shuffling of iterators (`ShuffleOrderSampler()`), the
GradientNoise hook and the keys of random ops all draw from numpy's global
``RandomState`` (the one ``numpy.random.seed`` seeds), exactly as Chainer's do.  So
``numpy.random.seed(0)`` before building a model gives the initial weights Chainer
gives after the same seed, bit for bit, and the same shuffled batches.
`set_random_seed(s)` seeds Python's `random`, numpy's global generator and CuPy's.

Random ops (`F.dropout`, `F.gaussian`) do not take their numbers from the generator
one by one.  Each application takes a *key*, two uint64 drawn by `next_key()` from
the global generator, and its output depends on that key only (a counter-based
Philox stream, see `chainfuse.ops.random`).  A compiled plan receives a fresh key per
replay, drawn at the moment the eager call would have drawn it, so eager and
compiled runs after the same seed draw the same numbers, and a replay never reuses
a mask.

While a call is traced, numpy's global generator is watched: a draw the replay would
not repeat is a graph break (`chainfuse.tracer.python_state`).  The draws made here
are not such draws: a key is an input of the graph, drawn again for each replay,
and a parameter initialized during the trace (a lazy ``L.Linear(None, n)``) stays
initialized.  `next_key` and `draw` therefore tell the installed tracer about them
(``on_key``, ``on_draw``, with the generator's state before and after), and the
watcher accepts exactly those changes of the state.
"""
import random as _pyrandom

import numpy

from chainfuse import backend
from chainfuse.core.tracing import local as _tracing


def get_random_state():
    """numpy's global ``RandomState``: the generator chainfuse draws from (see above)."""
    return numpy.random.mtrand._rand


def get_generator():
    """The generator initializers, shuffling and keys draw from (`get_random_state`).

    Kept for code written against earlier chainfuse versions; it is a
    ``numpy.random.RandomState`` (``normal``, ``uniform``, ``permutation``,
    ``randint``), no longer a ``numpy.random.Generator``.
    """
    return get_random_state()


def set_random_seed(seed):
    """Seeds Python's `random`, numpy's global generator and CuPy's (when present).

    Chainer's examples seed the same three generators; after ``set_random_seed(s)``
    (or just ``numpy.random.seed(s)``) models, dropout and shuffling are repeatable.
    """
    seed = int(seed)
    _pyrandom.seed(seed)
    numpy.random.seed(seed % (2 ** 32))
    if backend.cupy is not None and backend.cuda_available():  # pragma: no cover - GPU
        backend.cupy.random.seed(seed)


def next_key():
    """A fresh key (uint64 array of shape (2,)) for a counter-based random op, drawn
    from numpy's global generator; a tracer recording this thread is told (``on_key``
    with the JSON state before, ``on_draw`` with the raw states before and after)."""
    tracer = _tracing.tracer
    rs = get_random_state()
    if tracer is None:
        return rs.randint(0, 2 ** 63, size=2, dtype=numpy.uint64)
    before, raw_before = get_state(), rs.get_state()
    key = rs.randint(0, 2 ** 63, size=2, dtype=numpy.uint64)
    tracer.on_key(key, before)
    tracer.on_draw(rs, raw_before, rs.get_state())
    return key


def draw(fn):
    """``fn(random_state)`` for a draw a replay need not repeat (a parameter's initial
    values); while a trace runs the tracer is told (``on_draw``), so the watcher does
    not take the draw for a graph break.  Returns what `fn` returns."""
    rs = get_random_state()
    tracer = _tracing.tracer
    if tracer is None:
        return fn(rs)
    before = rs.get_state()
    out = fn(rs)
    tracer.on_draw(rs, before, rs.get_state())
    return out


def get_state():
    """The global generator's state as JSON-compatible data (a dict of lists and numbers),
    to restore with `set_state`: snapshots store it, the compiler rewinds with it."""
    state = get_random_state().get_state(legacy=False)
    state['state']['key'] = state['state']['key'].tolist()
    return state


def set_state(state):
    """Restores a state returned by `get_state` (or ``RandomState.get_state()``'s tuple).

    A state of another bit generator (an earlier chainfuse stored a PCG64 state) is a
    ValueError naming what was found."""
    rs = get_random_state()
    if isinstance(state, dict):
        name = state.get('bit_generator')
        if name != 'MT19937':
            raise ValueError(f'set_state: expected the state of numpy\'s global MT19937 '
                             f'generator (from chainfuse.random.get_state()), got a state of '
                             f'{name!r}; it was written by another chainfuse version')
        state = dict(state, state=dict(state['state']))
        state['state']['key'] = numpy.asarray(state['state']['key'], dtype=numpy.uint32)
    rs.set_state(state)

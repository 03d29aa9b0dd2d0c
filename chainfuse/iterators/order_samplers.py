"""Order samplers: what an iterator calls at each epoch boundary to get the next order.

``sampler(current_order, current_position) -> new_order`` returns a permutation of
the dataset indices with the length of ``current_order`` (Chainer's protocol).

`ShuffleOrderSampler()` draws from numpy's global generator when it is called, as
Chainer's does, so after ``numpy.random.seed(s)`` a SerialIterator visits the batches
Chainer's visits.  Given a generator of its own (a ``RandomState``, a ``Generator``
or an int seed) it draws from that one, and `get_state`/`set_state` expose that
state as JSON-compatible data: the iterators save it in snapshots (an extra key
Chainer ignores), so a resumed run draws the same later orders.  numpy's global
state is not the sampler's to save: the Trainer's snapshot stores it.
"""
import numpy

from chainfuse import random as cf_random


class OrderSampler:
    """Base class of order samplers; see the module docstring."""

    def __call__(self, current_order, current_position):
        raise NotImplementedError


class ShuffleOrderSampler(OrderSampler):
    """Returns a fresh random permutation at every epoch.

    Args:
        random_state: a ``numpy.random.RandomState``, a ``numpy.random.Generator``, an
            int seed (a RandomState of that seed), or None: numpy's global generator,
            drawn from at each call (Chainer's default).
    """

    def __init__(self, random_state=None):
        if isinstance(random_state, (int, numpy.integer)):
            random_state = numpy.random.RandomState(int(random_state))
        if random_state is not None and not hasattr(random_state, 'permutation'):
            raise TypeError(f'ShuffleOrderSampler: random_state must be a numpy Generator, '
                            f'RandomState, int or None, got {type(random_state).__name__}')
        self._random = random_state

    @property
    def random_state(self):
        """The generator drawn from (numpy's global one when none was given)."""
        return cf_random.get_random_state() if self._random is None else self._random

    def __call__(self, current_order, current_position):
        return self.random_state.permutation(len(current_order))

    def get_state(self):
        """The sampler's own random state as JSON-compatible data (for snapshots); None
        when it draws from numpy's global generator."""
        if self._random is None:
            return None
        if isinstance(self._random, numpy.random.RandomState):
            state = self._random.get_state(legacy=False)
            state['state']['key'] = state['state']['key'].tolist()
            return state
        return self._random.bit_generator.state

    def set_state(self, state):
        """Restores a state returned by `get_state` (None: nothing to restore)."""
        if state is None or self._random is None:
            return
        if isinstance(self._random, numpy.random.RandomState):
            state = dict(state, state=dict(state['state']))
            state['state']['key'] = numpy.asarray(state['state']['key'], dtype=numpy.uint32)
            self._random.set_state(state)
        else:
            self._random.bit_generator.state = state

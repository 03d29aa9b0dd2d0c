"""Order samplers: what an iterator calls at each epoch boundary to get the next order.

``sampler(current_order, current_position) -> new_order`` returns a permutation of
the dataset indices with the length of ``current_order`` (Chainer's protocol).

`ShuffleOrderSampler` owns its random state.  By default that state is a NumPy
Generator seeded with one number drawn from chainfuse's generator when the
sampler is built, so ``chainfuse.set_random_seed(s)`` before building an iterator
fixes every epoch's order, and two iterators built the same way after the same
seed (a SerialIterator and a MultiprocessIterator) visit the same batches.

`get_state`/`set_state` expose that random state as JSON-compatible data; the
iterators save it in snapshots, so a resumed run draws the same later orders.
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
        random_state: a ``numpy.random.Generator``, a ``numpy.random.RandomState``,
            an int seed, or None (seeded from chainfuse's generator; see module doc).
    """

    def __init__(self, random_state=None):
        if random_state is None:
            seed = int(cf_random.get_generator().integers(0, 2 ** 63))
            random_state = numpy.random.default_rng(seed)
        elif isinstance(random_state, (int, numpy.integer)):
            random_state = numpy.random.default_rng(int(random_state))
        if not hasattr(random_state, 'permutation'):
            raise TypeError(f'ShuffleOrderSampler: random_state must be a numpy Generator, '
                            f'RandomState, int or None, got {type(random_state).__name__}')
        self._random = random_state

    def __call__(self, current_order, current_position):
        return self._random.permutation(len(current_order))

    def get_state(self):
        """The random state as JSON-compatible data (for snapshots)."""
        if isinstance(self._random, numpy.random.RandomState):
            state = self._random.get_state(legacy=False)
            state['state']['key'] = state['state']['key'].tolist()
            return state
        return self._random.bit_generator.state

    def set_state(self, state):
        """Restores a state returned by `get_state`."""
        if isinstance(self._random, numpy.random.RandomState):
            state = dict(state, state=dict(state['state']))
            state['state']['key'] = numpy.asarray(state['state']['key'], dtype=numpy.uint32)
            self._random.set_state(state)
        else:
            self._random.bit_generator.state = state

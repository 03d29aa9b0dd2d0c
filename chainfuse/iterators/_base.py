"""The iteration state machine and the state-keeping base shared by the iterators.

An iterator's position is an `IteratorState`: ``current_position`` (index into
the epoch's order of the next example), ``epoch`` (completed sweeps),
``is_new_epoch`` and ``order`` (this epoch's permutation; None when not
shuffling).  `advance` is a pure function from a state to the next state and the
indices of the batch between them, so SerialIterator and MultiprocessIterator
(which runs it ahead of the consumer to prefetch) cut identical batches:

- ``repeat=True``: every batch is full.  A batch that reaches the end of the
  order takes the rest of the epoch, asks the order sampler for the next order,
  and continues from its start (wrapping as often as needed when the batch is
  larger than the dataset); ``epoch`` counts each wrap.
- ``repeat=False``: the last batch of the epoch may be smaller; afterwards the
  iterator is exhausted (StopIteration) until ``reset()``.
"""
import collections
import json

import numpy

from chainfuse.dataset.iterator import Iterator
from chainfuse.iterators.order_samplers import ShuffleOrderSampler

IteratorState = collections.namedtuple(
    'IteratorState', ('current_position', 'epoch', 'is_new_epoch', 'order'))


def advance(state, batch_size, repeat, order_sampler, dataset_len):
    """-> (next state, batch indices), or (state, None) once a non-repeating sweep ended."""
    i, epoch, _, order = state
    n = dataset_len if order is None else len(order)
    if (not repeat and epoch > 0) or (not repeat and n == 0):
        return state, None
    if n == 0:
        raise ValueError('an iterator that repeats needs a non-empty dataset')
    pieces, need, is_new_epoch = [], batch_size, False
    while True:
        end = i + need
        if end < n:
            pieces.append(_slice(order, i, end))
            i = end
            break
        pieces.append(_slice(order, i, n))
        need = end - n
        order = _next_order(order_sampler, order, i)
        i, epoch, is_new_epoch = 0, epoch + 1, True
        if not repeat or need == 0:
            break
    return IteratorState(i, epoch, is_new_epoch, order), numpy.concatenate(pieces)


def _slice(order, start, stop):
    if order is None:
        return numpy.arange(start, stop, dtype=numpy.intp)
    return numpy.asarray(order[start:stop])


def _next_order(order_sampler, order, position):
    if order is None:
        return None
    new_order = order_sampler(order, position)
    if len(new_order) != len(order):
        raise ValueError(f'the order sampler returned an order of length {len(new_order)} '
                         f'for an order of length {len(order)}; the length must not change')
    return new_order


def sampler_state(sampler):
    """The sampler's random state if it exposes one (`get_state`), else None."""
    get_state = getattr(sampler, 'get_state', None)
    return None if get_state is None else get_state()


def restore_sampler(sampler, state):
    if state is not None and hasattr(sampler, 'set_state'):
        sampler.set_state(state)


class StatefulIterator(Iterator):
    """What SerialIterator and MultiprocessIterator share: options, state, serialization.

    Subclasses implement ``__next__``.  ``self._state`` is the state after the last
    batch returned; ``self._previous_epoch_detail`` is -1 before the first batch.
    """

    def __init__(self, dataset, batch_size, repeat, shuffle, order_sampler):
        if int(batch_size) < 1:
            raise ValueError(f'batch_size must be a positive integer, got {batch_size}')
        if shuffle is not None and order_sampler is not None:
            raise ValueError('pass either shuffle or order_sampler, not both: leave shuffle=None '
                             'to use a custom order sampler')
        if order_sampler is None and shuffle is not False:
            order_sampler = self._default_sampler()
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self._repeat = repeat
        self._shuffle = shuffle
        self.order_sampler = order_sampler
        self._state = None
        self._previous_epoch_detail = -1.

    @staticmethod
    def _default_sampler():
        """The order sampler of ``shuffle=True``: numpy's global generator, as Chainer."""
        return ShuffleOrderSampler()

    def _initial_state(self):
        order = None
        if self.order_sampler is not None:
            order = self.order_sampler(numpy.arange(len(self.dataset)), 0)
        return IteratorState(0, 0, False, order)

    def _advance(self, state):
        return advance(state, self.batch_size, self._repeat, self.order_sampler,
                       len(self.dataset))

    @property
    def repeat(self):
        return self._repeat

    @property
    def current_position(self):
        return self._state.current_position

    @property
    def epoch(self):
        return self._state.epoch

    @property
    def is_new_epoch(self):
        return self._state.is_new_epoch

    @property
    def epoch_detail(self):
        size = self._epoch_size
        return self.epoch + (self.current_position / size if size else 0.)

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` before the last batch (None before the first batch)."""
        if self._previous_epoch_detail < 0:
            return None
        return self._previous_epoch_detail

    @property
    def _epoch_size(self):
        order = self._state.order
        return len(self.dataset) if order is None else len(order)

    def _current_sampler_state(self):
        return sampler_state(self.order_sampler)

    def serialize(self, serializer):
        """Saves or loads the position, the order and the sampler's random state.

        Keys are Chainer's (``current_position``, ``epoch``, ``is_new_epoch``,
        ``order``, ``previous_epoch_detail``) plus ``order_sampler/random_state``
        (JSON), which makes the orders of later epochs match an uninterrupted run.
        Returns True when loading changed the state.
        """
        old = self._state
        position = int(serializer('current_position', old.current_position))
        epoch = int(serializer('epoch', old.epoch))
        is_new_epoch = bool(serializer('is_new_epoch', old.is_new_epoch))
        order = old.order
        if order is not None:
            order = self._serialize_order(serializer, numpy.array(order))
        self._state = IteratorState(position, epoch, is_new_epoch, order)
        previous = self._previous_epoch_detail
        try:
            self._previous_epoch_detail = float(serializer('previous_epoch_detail', previous))
        except KeyError:  # written by an old Chainer: reconstruct it
            self._previous_epoch_detail = self._guess_previous_epoch_detail()
        sampler_changed = self._serialize_sampler(serializer)
        return sampler_changed or previous != self._previous_epoch_detail or \
            old[:3] != self._state[:3] or not _same_order(old.order, order)

    _order_key = 'order'    # Chainer's SerialIterator; its MultithreadIterator writes '_order'

    def _serialize_order(self, serializer, order):
        other = '_order' if self._order_key == 'order' else 'order'
        try:
            return serializer(self._order_key, order)
        except KeyError:  # Chainer < 5 (and Chainer's other iterators) wrote the other key
            return serializer(other, order)

    def _guess_previous_epoch_detail(self):
        detail = self.epoch + (self.current_position - self.batch_size) / self._epoch_size
        return max(detail, 0.) if self.epoch_detail > 0 else -1.

    def _serialize_sampler(self, serializer):
        current = self._current_sampler_state()
        if current is None:
            return False
        text = json.dumps(current)
        try:
            loaded = serializer['order_sampler']('random_state', text)
        except KeyError:  # a snapshot written by Chainer has no sampler state
            return False
        if str(loaded) == text:
            return False
        self._set_sampler_state(json.loads(str(loaded)))
        return True

    def _set_sampler_state(self, state):
        restore_sampler(self.order_sampler, state)


def _same_order(a, b):
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and bool(numpy.array_equal(a, b))

"""`SerialIterator`: batches read in the calling process, in order or shuffled."""
from chainfuse.iterators._base import StatefulIterator


class SerialIterator(StatefulIterator):
    """Reads each batch with ``dataset[index]`` per example, in the calling process.

    Args:
        dataset: anything with ``len`` and ``[]`` (a TupleDataset, a list, an array).
        batch_size (int): examples per batch.
        repeat (bool): loop forever (every batch full, epochs wrap inside a batch) if
            True; otherwise stop after one sweep (the last batch may be smaller).
        shuffle (bool or None): shuffle each epoch's order (None: True unless an
            `order_sampler` is given).  False visits examples in index order.
        order_sampler: ``sampler(order, position) -> new order`` called at each epoch
            boundary (default: ShuffleOrderSampler(), which draws from numpy's global
            generator as Chainer's does).

    The batch cutting rules are described in `chainfuse.iterators._base`.
    ``serialize`` saves the position, this epoch's order and the random state of a
    sampler with a generator of its own, so a run resumed from a snapshot continues
    with the same batches (numpy's global state is the Trainer snapshot's).
    """

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, order_sampler=None):
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler)
        self.reset()

    def __next__(self):
        self._previous_epoch_detail = self.epoch_detail
        state, indices = self._advance(self._state)
        self._state = state
        if indices is None:
            raise StopIteration
        return [self.dataset[int(i)] for i in indices]

    next = __next__

    def reset(self):
        """Back to the start of epoch 0 (with a fresh order from the sampler)."""
        self._state = self._initial_state()
        self._previous_epoch_detail = -1.

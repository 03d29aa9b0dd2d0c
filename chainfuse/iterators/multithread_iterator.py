"""`MultithreadIterator`: examples read by a pool of threads, one batch ahead.

The mechanism is Chainer's: ``next()`` hands out the batch whose examples the pool
has been reading since the previous ``next()``, then at once computes the next
batch's indices (with the same state machine as SerialIterator, `_base.advance`)
and gives them to the pool.  So the batches and epochs are SerialIterator's, and
the order sampler is called when the batch *before* an epoch boundary is handed
out, one batch earlier than SerialIterator calls it: with the default sampler,
which draws from numpy's global generator, the draws happen exactly when Chainer's
MultithreadIterator makes them.

Threads suit datasets whose ``__getitem__`` waits on I/O or releases the GIL
(image decoding); examples are returned as the dataset returns them, no copy.
``reset()`` and loading a snapshot drop the batch being read.  The pool starts on
the first ``next()`` and stops on ``finalize()``, on leaving a ``with`` block, or
when the iterator is garbage-collected.
"""
import weakref
from multiprocessing import pool as _pool

from chainfuse.iterators._base import StatefulIterator


class MultithreadIterator(StatefulIterator):
    """Loads each batch's examples with ``n_threads`` threads (see the module docstring).

    Args:
        dataset, batch_size, repeat, shuffle, order_sampler: as for SerialIterator.
        n_threads (int): threads reading examples.

    ``serialize`` writes Chainer's MultithreadIterator keys (``_order``, not
    SerialIterator's ``order``) and reads either.
    """

    _order_key = '_order'

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, n_threads=1,
                 order_sampler=None):
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler)
        if int(n_threads) < 1:
            raise ValueError(f'n_threads must be a positive integer, got {n_threads}')
        self.n_threads = int(n_threads)
        self._pool = None
        self._finalizer = None
        self._next = None           # (state after the batch, AsyncResult or None)
        self.reset()

    def __next__(self):
        if self._next is None:
            self._prefetch()        # the first batch (or the first after a reset)
        state, pending = self._next
        self._next = None
        self._previous_epoch_detail = self.epoch_detail
        self._state = state
        if pending is None:
            raise StopIteration
        batch = list(pending.get())
        self._prefetch()            # read the next batch while this one is used
        return batch

    next = __next__

    def reset(self):
        """Back to the start of epoch 0 with a fresh order; the batch being read is dropped."""
        self._next = None
        self._state = self._initial_state()
        self._previous_epoch_detail = -1.

    def finalize(self):
        """Stops the threads (a later ``next()`` starts new ones)."""
        self._next = None
        if self._finalizer is not None:
            self._finalizer()
        self._pool = self._finalizer = None

    def serialize(self, serializer):
        super().serialize(serializer)
        self._next = None           # what was being read belongs to the old position

    def _prefetch(self):
        state, indices = self._advance(self._state)
        if indices is None:
            self._next = (state, None)
            return
        if self._pool is None:
            self._pool = _pool.ThreadPool(self.n_threads)
            self._finalizer = weakref.finalize(self, _close, self._pool)
        dataset = self.dataset
        self._next = (state, self._pool.map_async(lambda i: dataset[i],
                                                  [int(i) for i in indices]))


def _close(pool):
    pool.terminate()
    pool.join()

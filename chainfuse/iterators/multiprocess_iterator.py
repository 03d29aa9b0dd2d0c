"""`MultiprocessIterator`: batches loaded by worker processes, prefetched ahead.

Mechanism, in the main process:

1. A *prefetch state* runs ahead of the public one.  `_fill` advances it with the
   same state machine as SerialIterator (`_base.advance`) and submits each batch,
   split into one chunk per worker, until ``n_prefetch`` batches are queued.  Each
   queued batch remembers the state (and the order sampler's random state) that
   returning it will produce.
2. ``next()`` waits for the oldest queued batch, collecting chunks as they
   arrive (`_workers.WorkerPool.wait`), then makes its remembered state public.
   So the batches, epochs and orders are exactly SerialIterator's for the same
   order sampler, whatever order the workers finish in.  (``shuffle=True`` gives the
   iterator a sampler with a generator of its own, seeded from numpy's global one:
   see `_default_sampler`.)
3. ``reset()`` and loading a snapshot throw the queued batches away (results
   still in flight are dropped when they arrive) and rewind the order sampler to
   the public state, so the next batches are again the serial ones.

Examples travel back pickled, or, with shared memory, as arrays copied into a
block of ``shared_mem`` bytes per example (see `_workers`).  ``shared_mem=None``
sizes the block from the first batch; 0 turns shared memory off.

Workers are forked on Linux (as in Chainer), so the dataset, transforms included,
need not be picklable; elsewhere they are started the platform's default way.

A dataset error in a worker is re-raised by ``next()`` with the worker's traceback
attached; that batch counts as consumed, as with SerialIterator.  A worker that
dies raises RuntimeError and stops the pool.  Workers start on the first
``next()`` and stop on ``finalize()``, on leaving a ``with`` block, when the
iterator is garbage-collected, and at interpreter exit; each is joined.
"""
import collections
import copy
import os
import time
import warnings
import weakref

import numpy

from chainfuse import random as cf_random
from chainfuse.iterators import _workers
from chainfuse.iterators._base import StatefulIterator, restore_sampler, sampler_state
from chainfuse.iterators.order_samplers import ShuffleOrderSampler


class _Batch:
    """A batch in flight: its indices, the state after it, and the chunks still missing."""

    def __init__(self, batch_id, indices, state, sampler_state, slot):
        self.id = batch_id
        self.indices = indices
        self.state = state
        self.sampler_state = sampler_state
        self.slot = slot
        self.examples = None if indices is None else [None] * len(indices)
        self.remaining = 0
        self.error = None
        self.stale = False


class MultiprocessIterator(StatefulIterator):
    """Loads batches in ``n_processes`` worker processes (see the module docstring).

    Args:
        dataset, batch_size, repeat, shuffle, order_sampler: as for SerialIterator.
        n_processes (int): worker processes (default: the number of CPUs).
        n_prefetch (int): batches loaded ahead of the one being consumed.
        shared_mem (int or None): bytes of shared memory per example for returning
            arrays; None measures the first batch, 0 pickles everything.
        dataset_timeout (float or None): warn (TimeoutWarning) when one batch takes
            longer than this many seconds.
        maxtasksperchild (int or None): replace a worker after this many chunks.
    """

    class TimeoutWarning(RuntimeWarning):
        """A batch took longer than ``dataset_timeout`` seconds."""

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, n_processes=None,
                 n_prefetch=1, shared_mem=None, order_sampler=None, dataset_timeout=30.0,
                 maxtasksperchild=None):
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler)
        self.n_processes = int(n_processes or os.cpu_count() or 1)
        if self.n_processes < 1:
            raise ValueError(f'n_processes must be at least 1, got {n_processes}')
        self.n_prefetch = max(1, int(n_prefetch))
        if shared_mem is not None and shared_mem < 0:
            raise ValueError(f'shared_mem must be None or >= 0 bytes, got {shared_mem}')
        self.shared_mem = shared_mem
        self.dataset_timeout = dataset_timeout
        self.maxtasksperchild = maxtasksperchild
        self._mem_size = shared_mem  # bytes per example; None until measured
        self._pool = None
        self._finalizer = None
        self._pending = collections.deque()
        self._inflight = {}
        self._free_slots = []
        self._next_id = 0
        self._sampler_state = sampler_state(self.order_sampler)
        self.reset()

    # ---- the public protocol ----
    def __next__(self):
        self._start_pool()
        batch = self._wait_for_head()
        self._pending.popleft()
        self._previous_epoch_detail = self.epoch_detail
        self._state, self._sampler_state = batch.state, batch.sampler_state
        if batch.error is not None:
            raise _with_worker_context(batch.error)
        if batch.indices is None:
            raise StopIteration
        return batch.examples

    next = __next__

    def reset(self):
        """Back to the start of epoch 0; queued batches are discarded."""
        self._discard_prefetch()
        self._state = self._initial_state()
        self._sampler_state = sampler_state(self.order_sampler)
        self._prefetch_state = self._state
        self._previous_epoch_detail = -1.

    def finalize(self):
        """Stops and joins the worker processes (they restart on the next ``next()``)."""
        self._discard_prefetch()
        self._inflight.clear()
        self._free_slots = []
        if self._finalizer is not None:
            self._finalizer()
        self._pool = None
        self._finalizer = None

    def serialize(self, serializer):
        if super().serialize(serializer):  # loading moved the iterator
            self._discard_prefetch()

    def __copy__(self):
        """A new iterator at the same position, with its own workers and sampler."""
        sampler = _copy_sampler(self.order_sampler)
        other = MultiprocessIterator(
            self.dataset, self.batch_size, self.repeat,
            shuffle=False if sampler is None else None, n_processes=self.n_processes,
            n_prefetch=self.n_prefetch, shared_mem=self.shared_mem, order_sampler=sampler,
            dataset_timeout=self.dataset_timeout, maxtasksperchild=self.maxtasksperchild)
        if sampler is not self.order_sampler:  # never rewind a sampler we still share
            restore_sampler(sampler, self._sampler_state)
        other._state = other._prefetch_state = self._state
        other._sampler_state = self._sampler_state
        other._previous_epoch_detail = self._previous_epoch_detail
        return other

    @property
    def worker_pids(self):
        """Process ids of the running workers (empty before the first batch)."""
        return [] if self._pool is None else self._pool.pids

    @staticmethod
    def _default_sampler():
        """``shuffle=True``: a sampler with a RandomState of its own, seeded by one draw from
        numpy's global generator.  Prefetching draws orders ahead of the consumer; with a
        generator of its own `reset` and a loaded snapshot can rewind it, which numpy's
        global generator, shared with the rest of the program, must not be."""
        seed = cf_random.get_random_state().randint(0, 2 ** 32, dtype=numpy.int64)
        return ShuffleOrderSampler(numpy.random.RandomState(int(seed)))

    # ---- state bookkeeping ----
    def _current_sampler_state(self):
        return self._sampler_state

    def _set_sampler_state(self, state):
        self._sampler_state = state  # applied to the sampler by _discard_prefetch

    def _discard_prefetch(self):
        for batch in self._pending:
            batch.stale = True
        self._pending.clear()
        restore_sampler(self.order_sampler, self._sampler_state)
        self._prefetch_state = self._state

    # ---- prefetching ----
    def _start_pool(self):
        if self._pool is not None:
            return
        pool = _workers.WorkerPool(self.dataset, self.n_processes, self.maxtasksperchild,
                                   shared=self._mem_size != 0)
        self._finalizer = weakref.finalize(self, pool.close)
        self._pool = pool
        if self._mem_size:
            self._allocate_shared()

    def _allocate_shared(self):
        self._pool.allocate(self.n_prefetch * self.batch_size * self._mem_size)
        self._free_slots = list(range(self.n_prefetch))

    def _fill(self):
        while len(self._pending) < self.n_prefetch:
            if self._pool.shm is not None and not self._free_slots:
                return
            state, indices = self._advance(self._prefetch_state)
            self._prefetch_state = state
            slot = None
            if indices is not None and self._pool.shm is not None:
                slot = self._free_slots.pop()
            batch = _Batch(self._next_id, indices, state, sampler_state(self.order_sampler),
                           slot)
            self._next_id += 1
            if indices is not None:
                self._submit(batch)
            self._pending.append(batch)

    def _submit(self, batch):
        n = len(batch.indices)
        bounds = numpy.linspace(0, n, min(self.n_processes, n) + 1).astype(int)
        for start, stop in zip(bounds[:-1], bounds[1:]):
            shared = None
            if batch.slot is not None:
                offset = (batch.slot * self.batch_size + int(start)) * self._mem_size
                shared = (self._pool.shm.name, offset, self._mem_size)
            self._pool.submit((batch.id, int(start), batch.indices[start:stop], shared))
            batch.remaining += 1
        self._inflight[batch.id] = batch

    def _wait_for_head(self):
        deadline = None if not self.dataset_timeout else time.monotonic() + self.dataset_timeout
        while True:
            self._fill()
            if self._pending and self._pending[0].remaining == 0:
                return self._pending[0]
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            if timeout == 0.0:
                warnings.warn(f'MultiprocessIterator: no batch for {self.dataset_timeout} s; '
                              'the dataset may be stalled (a deadlock in a forked worker, a '
                              'slow disk or network)', self.TimeoutWarning, stacklevel=3)
                deadline = timeout = None
            try:
                messages = self._pool.wait(timeout)
            except _workers.WorkerDied:
                self.finalize()
                raise
            for message in messages:
                self._receive(message)

    def _receive(self, message):
        kind, batch_id, start, payload = message
        batch = self._inflight.get(batch_id)
        if batch is None:
            return
        if not batch.stale:
            if kind == 'ok':
                buf = None if batch.slot is None else self._pool.shm.buf
                if buf is not None:
                    payload = [_workers.unpack(ex, buf) for ex in payload]
                batch.examples[start:start + len(payload)] = payload
            elif batch.error is None:
                batch.error = payload
        batch.remaining -= 1
        if batch.remaining == 0:
            del self._inflight[batch_id]
            if batch.slot is not None:
                self._free_slots.append(batch.slot)
            if self._mem_size is None and batch.error is None and not batch.stale:
                self._measure(batch.examples)

    def _measure(self, examples):
        self._mem_size = max(_workers.shared_size(ex) for ex in examples)
        if self._mem_size:
            self._allocate_shared()


def _copy_sampler(sampler):
    try:
        return copy.deepcopy(sampler)
    except Exception:  # e.g. a sampler holding a lock: share it, as Chainer does
        return sampler


def _with_worker_context(error):
    exc, text, index = error
    where = '' if index is None else f' while reading dataset[{index}]'
    note = f'(raised in a MultiprocessIterator worker process{where})'
    if text:
        note += '\nWorker traceback:\n' + text.rstrip()
    if hasattr(exc, 'add_note'):
        exc.add_note(note)
    return exc

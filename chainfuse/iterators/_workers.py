"""Worker processes of MultiprocessIterator: the task loop, shared-memory packing, the pool.

Protocol.  The main process puts tasks ``(batch_id, start, indices, shared)`` on
one task queue that all workers take from.  A worker reads ``dataset[i]`` for each
index and answers on its own pipe with ``('ok', batch_id, start, examples)`` or
``('error', batch_id, start, (exception, worker traceback, index))``; ``None`` on
the queue stops it.  Messages are pickled by the worker itself, so an example or
exception that cannot be pickled becomes an error message instead of a crash.

Shared memory.  With ``shared = (name, offset, size)`` the worker copies each plain
NumPy array of an example into the block ``name`` (``size`` bytes per example,
examples laid out one after another from ``offset``) and sends a small
`InShared` placeholder instead; arrays that do not fit travel pickled.  The main
process copies them out (`unpack`) as soon as the message arrives, so the block
can be reused by the next batch.

Lifetime.  Workers are daemonic, ignore SIGINT (the main process decides), exit
when their parent disappears (checked every second while idle), and after
``maxtasksperchild`` tasks say ``('retire',)`` and exit so the pool can replace
them.  `WorkerPool.close` stops them with ``None``, then terminates whatever is
still running after a grace period, joins every process (no zombies) and frees the
shared block.
"""
import contextlib
import multiprocessing
import multiprocessing.connection as mpc
import os
import pickle
import queue
import random
import signal
import sys
import time
import traceback
from multiprocessing import resource_tracker, shared_memory

import numpy


_ALIGN = 16
_GRACE = 1.0  # seconds workers get to exit on their own before being terminated


class WorkerDied(RuntimeError):
    """A worker process ended while it should have been working."""


class InShared:
    """Placeholder for an array stored in shared memory at `offset`."""
    __slots__ = ('offset', 'shape', 'dtype')

    def __init__(self, offset, shape, dtype):
        self.offset, self.shape, self.dtype = offset, shape, dtype

    def __reduce__(self):
        return InShared, (self.offset, self.shape, self.dtype)


def map_arrays(fn, x):
    """Applies `fn` to every leaf of an example (tuples, namedtuples, lists, dicts)."""
    if type(x) is tuple or type(x) is list:
        return type(x)(map_arrays(fn, e) for e in x)
    if isinstance(x, tuple) and hasattr(x, '_fields'):
        return type(x)(*(map_arrays(fn, e) for e in x))
    if type(x) is dict:
        return {k: map_arrays(fn, v) for k, v in x.items()}
    return fn(x)


def _packable(a):
    return type(a) is numpy.ndarray and not a.dtype.hasobject


def _round_up(n):
    return -(-n // _ALIGN) * _ALIGN


def shared_size(example):
    """Bytes an example needs in shared memory (its packable arrays, aligned)."""
    total = [0]

    def count(a):
        if _packable(a):
            total[0] += _round_up(a.nbytes)
        return a
    map_arrays(count, example)
    return total[0]


def pack(example, buf, offset, size):
    """Copies the example's arrays into ``buf[offset:offset + size]`` where they fit."""
    used = [0]

    def put(a):
        if not _packable(a):
            return a
        start = _round_up(used[0])
        if start + a.nbytes > size:
            return a
        numpy.ndarray(a.shape, a.dtype, buffer=buf, offset=offset + start)[...] = a
        used[0] = start + a.nbytes
        return InShared(offset + start, a.shape, a.dtype)
    return map_arrays(put, example)


def unpack(example, buf):
    """Replaces InShared placeholders by copies of the arrays they point to."""
    def get(x):
        if isinstance(x, InShared):
            return numpy.ndarray(x.shape, x.dtype, buffer=buf, offset=x.offset).copy()
        return x
    return map_arrays(get, example)


# ---- the worker side ----

def _reseed():
    """Fresh seeds per worker: forked workers would otherwise share NumPy's random state."""
    seq = numpy.random.SeedSequence()
    words = seq.generate_state(2)
    numpy.random.seed(int(words[0]))
    random.seed(int(words[1]))


def _next_task(tasks, parent_pid):
    while True:
        try:
            return tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent_pid:
                return None


def _portable(exc, index):
    text = traceback.format_exc()
    try:
        exc = pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f'{type(exc).__name__}: {exc}')
    return exc, text, index


def _run_task(dataset, task, attached):
    batch_id, start, indices, shared = task
    index = None
    try:
        examples = []
        for index in indices:
            examples.append(dataset[int(index)])
        if shared is not None:
            name, offset, size = shared
            if name not in attached:
                attached[name] = shared_memory.SharedMemory(name=name)
            buf = attached[name].buf
            examples = [pack(ex, buf, offset + k * size, size) for k, ex in enumerate(examples)]
        return ('ok', batch_id, start, examples)
    except Exception as e:
        return ('error', batch_id, start, _portable(e, index))


def _send(conn, message):
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        error = RuntimeError(f'an example could not be pickled to send it from the worker to '
                             f'the main process: {type(e).__name__}: {e}')
        data = pickle.dumps(('error', message[1], message[2], (error, '', None)))
    conn.send_bytes(data)


def worker_main(dataset, tasks, conn, parent_pid, max_tasks):
    """The loop each worker process runs (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _reseed()
    attached = {}
    done = 0
    try:
        while max_tasks is None or done < max_tasks:
            task = _next_task(tasks, parent_pid)
            if task is None:
                return
            _send(conn, _run_task(dataset, task, attached))
            done += 1
        conn.send_bytes(pickle.dumps(('retire',)))
    except (BrokenPipeError, EOFError, ConnectionError):
        pass  # the main process went away
    finally:
        for shm in attached.values():
            with contextlib.suppress(BufferError):
                shm.close()
        conn.close()


# ---- the main-process side ----

def default_context():
    """'fork' on Linux, as in Chainer: workers inherit the dataset, which then need not be
    picklable (a TransformDataset with a lambda works).  Elsewhere Python's default."""
    if sys.platform.startswith('linux'):
        return multiprocessing.get_context('fork')
    return multiprocessing.get_context()


class _Worker:
    def __init__(self, process, reader):
        self.process, self.reader = process, reader
        self.retired = False
        self.eof = False


class WorkerPool:
    """A fixed number of worker processes sharing one task queue (see module docstring)."""

    def __init__(self, dataset, n_processes, max_tasks=None, context=None, shared=True):
        self._ctx = context or default_context()
        if shared:
            # Workers must inherit the main process's resource tracker: one they start
            # themselves would unlink the shared block when they exit.
            resource_tracker.ensure_running()
        self._dataset = dataset
        self._max_tasks = max_tasks
        self._owner = os.getpid()
        self._closed = False
        self.tasks = self._ctx.Queue()
        self.workers = []
        self.shm = None
        for _ in range(n_processes):
            self._spawn()

    def _spawn(self):
        reader, writer = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=worker_main, name=f'chainfuse-iterator-worker-{len(self.workers)}',
            args=(self._dataset, self.tasks, writer, os.getpid(), self._max_tasks),
            daemon=True)
        process.start()
        writer.close()
        self.workers.append(_Worker(process, reader))

    @property
    def pids(self):
        return [w.process.pid for w in self.workers]

    def allocate(self, nbytes):
        """Creates the shared block the workers pack examples into."""
        self.shm = shared_memory.SharedMemory(create=True, size=max(1, int(nbytes)))
        return self.shm

    def submit(self, task):
        self.tasks.put(task)

    def wait(self, timeout):
        """Messages that arrive within `timeout` (None: until one does).

        Raises WorkerDied when a worker ended without retiring; retired workers are
        replaced.
        """
        readers = {w.reader: w for w in self.workers if not w.eof}
        sentinels = {w.process.sentinel: w for w in self.workers}
        ready = mpc.wait(list(readers) + list(sentinels), timeout)
        messages = []
        for obj in ready:
            if obj in readers:
                messages += self._drain(readers[obj])
        for obj in ready:
            if obj in sentinels:
                self._exited(sentinels[obj], messages)
        return messages

    def _drain(self, worker):
        messages = []
        while not worker.eof and worker.reader.poll():
            try:
                message = pickle.loads(worker.reader.recv_bytes())
            except (EOFError, OSError):
                worker.eof = True
                break
            if message[0] == 'retire':
                worker.retired = True
            else:
                messages.append(message)
        return messages

    def _exited(self, worker, messages):
        messages += self._drain(worker)
        worker.process.join()
        if not worker.retired:
            raise WorkerDied(_death_message(worker.process))
        worker.reader.close()
        self.workers.remove(worker)
        self._spawn()

    def close(self):
        """Stops and joins every worker and frees the shared block (idempotent)."""
        if self._closed or os.getpid() != self._owner:
            return
        self._closed = True
        for _ in self.workers:
            with contextlib.suppress(Exception):
                self.tasks.put(None)
        self._join_all()
        for w in self.workers:
            w.reader.close()
        self.tasks.cancel_join_thread()
        self.tasks.close()
        if self.shm is not None:
            with contextlib.suppress(BufferError):
                self.shm.close()
            with contextlib.suppress(FileNotFoundError):
                self.shm.unlink()
            self.shm = None

    def _join_all(self):
        deadline = time.monotonic() + _GRACE
        alive = [w for w in self.workers if w.process.is_alive()]
        while alive and time.monotonic() < deadline:
            waitables = [w.process.sentinel for w in alive] + \
                [w.reader for w in alive if not w.eof]
            mpc.wait(waitables, max(0.0, deadline - time.monotonic()))
            for w in alive:
                self._drain(w)  # a worker blocked on a full pipe can then exit
            alive = [w for w in alive if w.process.is_alive()]
        for w in alive:
            w.process.terminate()
        for w in self.workers:
            w.process.join(_GRACE)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()


def _death_message(process):
    code = process.exitcode
    if code is not None and code < 0:
        try:
            how = f'was killed by signal {signal.Signals(-code).name}'
        except ValueError:
            how = f'was killed by signal {-code}'
    else:
        how = f'exited with code {code}'
    return (f'MultiprocessIterator: worker process {process.pid} {how} while loading '
            'examples. If it ran out of memory, lower n_processes, n_prefetch or batch_size; '
            'if the dataset crashes in a subprocess, try SerialIterator to see the error.')

"""MultiprocessIterator: the same batches as SerialIterator, and clean worker lifetimes.

Small datasets and two workers (CI has two cores); every test ends with no worker left
(the autouse fixture checks it)."""
import copy
import gc
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import numpy
import pytest

import chainfuse
from chainfuse.datasets import TupleDataset
from chainfuse.iterators import MultiprocessIterator, SerialIterator, ShuffleOrderSampler

from ._fakes import ids, load, save

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='POSIX process checks')


def dataset(n, width=3):
    return TupleDataset(numpy.arange(n * width, dtype=numpy.float32).reshape(n, width),
                        numpy.arange(n, dtype=numpy.int32))


def gone(pid):
    """True once the process no longer exists: neither running nor a zombie."""
    if os.path.isdir('/proc/self'):
        return not os.path.exists(f'/proc/{pid}')
    try:
        os.kill(pid, 0)  # succeeds for a zombie too
    except ProcessLookupError:
        return True
    return False


def workers_alive():
    return [p for p in multiprocessing.active_children()
            if p.name.startswith('chainfuse-iterator-worker')]


@pytest.fixture(autouse=True)
def no_worker_left():
    yield
    gc.collect()
    assert workers_alive() == []


def _seeded(seed, kw):
    """The same shuffling for both iterators: a sampler with its own generator."""
    chainfuse.set_random_seed(seed)
    if kw.get('shuffle') is None and kw.get('order_sampler') is None:
        kw['order_sampler'] = ShuffleOrderSampler(numpy.random.RandomState(seed))
    return kw


def make(n=10, batch=4, seed=0, **kw):
    kw.setdefault('n_processes', 2)
    return MultiprocessIterator(dataset(n), batch, **_seeded(seed, kw))


def serial(n=10, batch=4, seed=0, **kw):
    return SerialIterator(dataset(n), batch, **_seeded(seed, kw))


def assert_same_batch(a, b):
    assert ids(a) == ids(b)
    for (xa, _), (xb, _) in zip(a, b):
        numpy.testing.assert_array_equal(xa, xb)


@pytest.mark.parametrize('batch,n_prefetch,shared_mem', [
    (4, 1, None), (3, 3, None), (4, 2, 0), (13, 2, 64), (1, 1, None)])
def test_same_batches_as_serial_iterator(batch, n_prefetch, shared_mem):
    s = serial(batch=batch)
    with make(batch=batch, n_prefetch=n_prefetch, shared_mem=shared_mem) as m:
        for _ in range(9):
            a, b = s.next(), m.next()
            assert_same_batch(a, b)
            assert (m.epoch, m.is_new_epoch, m.current_position) == \
                (s.epoch, s.is_new_epoch, s.current_position)
            assert m.epoch_detail == s.epoch_detail
            assert m.previous_epoch_detail == s.previous_epoch_detail
        assert len(m.worker_pids) == 2


def test_without_repeat_stops_like_serial_and_reset_restarts():
    s = serial(n=7, batch=3, repeat=False)
    with make(n=7, batch=3, repeat=False, n_prefetch=3) as m:
        got = list(m)
        assert [ids(b) for b in got] == [ids(b) for b in s]
        assert [len(b) for b in got] == [3, 3, 1]
        with pytest.raises(StopIteration):
            m.next()
        m.reset()
        s.reset()
        assert ids(m.next()) == ids(s.next())


def test_reset_mid_run_discards_prefetched_batches():
    s = serial()
    with make(n_prefetch=3) as m:
        for _ in range(3):
            s.next(), m.next()
        s.reset(), m.reset()
        for _ in range(6):
            assert ids(m.next()) == ids(s.next())


@pytest.mark.parametrize('stop_at', [1, 3, 5])
def test_serialize_resumes_with_the_same_batches(stop_at):
    with make(n=7, batch=3, n_prefetch=3) as m:
        for _ in range(stop_at):
            m.next()
        snapshot = save(m)
        expected = [ids(m.next()) for _ in range(7)]
    with make(n=7, batch=3, seed=42, n_prefetch=2) as resumed:
        resumed.next()  # prefetching has started: loading must discard it
        load(resumed, snapshot)
        assert [ids(resumed.next()) for _ in range(7)] == expected
    as_serial = serial(n=7, batch=3, seed=7)
    load(as_serial, snapshot)  # the keys are the same as SerialIterator's
    assert [ids(as_serial.next()) for _ in range(7)] == expected


def test_examples_are_copies_not_views_of_shared_memory():
    with make(n=6, batch=2, shared_mem=None) as m:
        m.next()  # the first batch measures the examples; later ones use shared memory
        kept = m.next()
        assert m._pool.shm is not None
        snapshot = [x.copy() for x, _ in kept]
        for _ in range(5):
            m.next()
        for (x, _), y in zip(kept, snapshot):
            numpy.testing.assert_array_equal(x, y)
            assert x.flags.owndata and x.flags.writeable


def test_arrays_too_large_for_shared_memory_travel_pickled():
    data = TupleDataset(numpy.arange(40, dtype=numpy.float64).reshape(4, 10),
                        numpy.arange(4))
    with MultiprocessIterator(data, 2, shuffle=False, n_processes=2, shared_mem=24) as m:
        batch = m.next()
        numpy.testing.assert_array_equal(batch[1][0], numpy.arange(10, 20))


class Mixed:
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return {'x': numpy.full((2, 2), i, numpy.int16), 'name': f'ex{i}',
                'pair': (numpy.float32(i), [numpy.arange(i)])}


def test_dict_string_and_nested_examples():
    with MultiprocessIterator(Mixed(), 4, shuffle=False, n_processes=2) as m:
        for _ in range(3):
            batch = m.next()
        assert [b['name'] for b in batch] == ['ex2', 'ex3', 'ex4', 'ex5']
        numpy.testing.assert_array_equal(batch[1]['x'], numpy.full((2, 2), 3, numpy.int16))
        numpy.testing.assert_array_equal(batch[3]['pair'][1][0], numpy.arange(5))


class Failing:
    def __init__(self, bad):
        self.bad = bad

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == self.bad:
            raise KeyError(f'no example {i}')
        return i


def test_dataset_errors_are_reraised_with_the_worker_traceback():
    with MultiprocessIterator(Failing(5), 2, shuffle=False, n_processes=2) as m:
        assert m.next() == [0, 1]
        m.next()
        with pytest.raises(KeyError, match='no example 5') as info:
            m.next()
        notes = '\n'.join(getattr(info.value, '__notes__', []))
        assert 'worker process while reading dataset[5]' in notes
        assert 'Worker traceback' in notes and '__getitem__' in notes
        assert m.next() == [6, 7]  # like SerialIterator, the failed batch is consumed


class Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(a)
        self.lock = __import__('threading').Lock()


class RaisesUnpicklable:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        raise Unpicklable('bad', 'args')


def test_an_exception_that_cannot_be_pickled_becomes_runtime_error():
    with MultiprocessIterator(RaisesUnpicklable(), 2, n_processes=2) as m:
        with pytest.raises(RuntimeError, match='Unpicklable: bad'):
            m.next()


class DiesAt:
    def __init__(self, bad):
        self.bad = bad

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == self.bad:
            os._exit(3)
        return i


def test_a_dying_worker_raises_and_stops_the_pool():
    m = MultiprocessIterator(DiesAt(3), 2, shuffle=False, n_processes=2, n_prefetch=1)
    m.next()
    pids = m.worker_pids
    with pytest.raises(RuntimeError, match='exited with code 3'):
        m.next()
    assert m.worker_pids == []
    assert all(gone(pid) for pid in pids)


def test_finalize_joins_workers_and_next_restarts_them():
    s = serial()
    m = make(n_prefetch=2)
    assert ids(m.next()) == ids(s.next())
    pids = m.worker_pids
    m.finalize()
    assert m.worker_pids == [] and all(gone(pid) for pid in pids)
    assert ids(m.next()) == ids(s.next())  # the position is kept
    assert m.current_position == 8 and len(m.worker_pids) == 2
    m.finalize()


def test_garbage_collection_stops_the_workers():
    m = make()
    m.next()
    pids = m.worker_pids
    del m
    gc.collect()
    assert all(gone(pid) for pid in pids)


def test_an_exception_in_a_with_block_stops_the_workers():
    with pytest.raises(ZeroDivisionError):
        with make() as m:
            m.next()
            pids = m.worker_pids
            1 / 0
    assert all(gone(pid) for pid in pids)


def test_interpreter_exit_without_finalize_leaves_no_process(tmp_path):
    script = textwrap.dedent('''
        import numpy
        from chainfuse.iterators import MultiprocessIterator
        it = MultiprocessIterator(list(range(20)), 4, n_processes=2, n_prefetch=2)
        it.next()
        print(*it.worker_pids)
    ''')
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True,
                         timeout=60, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert 'leaked' not in out.stderr
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in pids)


def test_workers_stop_when_the_main_process_is_killed():
    script = textwrap.dedent('''
        import os, signal, sys
        from chainfuse.iterators import MultiprocessIterator
        it = MultiprocessIterator(list(range(20)), 4, n_processes=2)
        it.next()
        print(*it.worker_pids, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    ''')
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True,
                         timeout=60, cwd=REPO)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2

    def stopped(pid):  # an orphan's zombie is its new parent's business
        try:
            with open(f'/proc/{pid}/stat') as f:
                return f.read().rsplit(') ', 1)[1].startswith(('Z', 'X'))
        except OSError:
            return gone(pid)
    deadline = time.monotonic() + 10
    while not all(stopped(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(stopped(pid) for pid in pids)


def test_a_transform_that_cannot_be_pickled_works():
    from chainfuse.datasets import TransformDataset
    data = TransformDataset(list(range(6)), lambda i: (i * 10, i))
    with MultiprocessIterator(data, 3, shuffle=False, n_processes=2) as m:
        assert m.next() == [(0, 0), (10, 1), (20, 2)]


def test_maxtasksperchild_replaces_workers_without_changing_batches():
    s = serial()
    with make(maxtasksperchild=1, n_prefetch=2) as m:
        assert ids(m.next()) == ids(s.next())
        first_pids = set(m.worker_pids)
        for _ in range(5):
            assert ids(m.next()) == ids(s.next())
        assert len(m.worker_pids) == 2 and not first_pids & set(m.worker_pids)
        assert all(gone(pid) for pid in first_pids)


def test_copy_is_an_independent_iterator_at_the_same_position():
    with make(n_prefetch=2) as m:
        m.next()
        other = copy.copy(m)
        expected = [ids(m.next()) for _ in range(4)]
        assert [ids(other.next()) for _ in range(4)] == expected
        other.finalize()


def test_copying_an_unshuffled_iterator_draws_no_random_numbers():
    with make(shuffle=False) as m:
        state = chainfuse.random.get_state()
        other = copy.copy(m)
        assert chainfuse.random.get_state() == state
        assert ids(other.next()) == [0, 1, 2, 3]
        other.finalize()


class Slow:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(0.3)
        return i


def test_a_stalled_dataset_warns():
    with MultiprocessIterator(Slow(), 2, n_processes=2, dataset_timeout=0.05) as m:
        with pytest.warns(MultiprocessIterator.TimeoutWarning, match='stalled'):
            m.next()


class Draws:
    def __len__(self):
        return 16

    def __getitem__(self, i):
        time.sleep(0.01)
        return os.getpid(), numpy.random.randint(1 << 30)


def test_workers_get_different_numpy_seeds():
    with MultiprocessIterator(Draws(), 8, shuffle=False, n_processes=2) as m:
        first_draw = {}
        for _ in range(4):
            for pid, value in m.next():
                first_draw.setdefault(pid, value)
        if len(first_draw) < 2:
            pytest.skip('one worker took every chunk')
        assert len(set(first_draw.values())) == len(first_draw)


def test_invalid_arguments():
    with pytest.raises(ValueError, match='shared_mem'):
        MultiprocessIterator([1], 1, shared_mem=-1)
    with pytest.raises(ValueError, match='either shuffle or order_sampler'):
        MultiprocessIterator([1], 1, shuffle=False, order_sampler=lambda o, p: o)

"""MultithreadIterator: SerialIterator's batches, read by threads one batch ahead."""
import threading

import numpy
import pytest

from chainfuse import serializers
from chainfuse.datasets import TupleDataset
from chainfuse.iterators import MultithreadIterator, SerialIterator, ShuffleOrderSampler

from ._fakes import ids, load, save


def dataset(n):
    return TupleDataset(numpy.arange(n, dtype=numpy.float32).reshape(n, 1),
                        numpy.arange(n, dtype=numpy.int32))


def pair(n=7, batch=3, seed=0, **kw):
    """A SerialIterator and a MultithreadIterator with the same shuffling."""
    def sampler():
        if kw.get('shuffle') is None:
            return {'order_sampler': ShuffleOrderSampler(seed)}
        return {}
    return (SerialIterator(dataset(n), batch, **kw, **sampler()),
            MultithreadIterator(dataset(n), batch, n_threads=2, **kw, **sampler()))


@pytest.mark.parametrize('batch', [1, 3, 7, 10])
@pytest.mark.parametrize('shuffle', [None, False])
def test_same_batches_and_epochs_as_serial_iterator(batch, shuffle):
    s, m = pair(batch=batch, shuffle=shuffle)
    with m:
        for _ in range(10):
            assert ids(m.next()) == ids(s.next())
            assert (m.epoch, m.is_new_epoch, m.current_position) == \
                (s.epoch, s.is_new_epoch, s.current_position)
            assert m.epoch_detail == s.epoch_detail
            assert m.previous_epoch_detail == s.previous_epoch_detail


def test_without_repeat_stops_and_reset_restarts():
    s, m = pair(n=7, batch=3, repeat=False, shuffle=False)
    with m:
        assert [ids(b) for b in m] == [[0, 1, 2], [3, 4, 5], [6]]
        with pytest.raises(StopIteration):
            m.next()
        m.reset()
        assert ids(m.next()) == [0, 1, 2] and m.epoch == 0


def test_examples_are_read_by_the_pool_threads():
    seen = set()

    class Recording:
        def __len__(self):
            return 8

        def __getitem__(self, i):
            seen.add(threading.get_ident())
            return i
    with MultithreadIterator(Recording(), 4, shuffle=False, n_threads=2) as it:
        assert it.next() == [0, 1, 2, 3]
        assert it.next() == [4, 5, 6, 7]
    assert seen and threading.get_ident() not in seen


def test_the_next_order_is_drawn_one_batch_early_as_in_chainer():
    calls = []

    def sampler(order, position):
        calls.append(position)
        return numpy.arange(len(order))
    with MultithreadIterator(list(range(4)), 2, order_sampler=sampler) as it:
        assert calls == [0]             # reset: the first order
        it.next()                       # hands out [0, 1], reads [2, 3]: the epoch ends
        assert calls == [0, 2]          # called at the position the batch [2, 3] starts
        it.next()
        assert calls == [0, 2]


def test_serialize_resumes_with_the_same_batches_and_writes_chainers_keys():
    with MultithreadIterator(dataset(7), 3, order_sampler=ShuffleOrderSampler(1)) as it:
        for _ in range(4):
            it.next()
        store = save(it)
        expected = [ids(it.next()) for _ in range(6)]
    assert set(store) == {'current_position', 'epoch', 'is_new_epoch', '_order',
                          'previous_epoch_detail', 'order_sampler/random_state'}
    with MultithreadIterator(dataset(7), 3, order_sampler=ShuffleOrderSampler(9)) as it:
        it.next()                        # a batch is being read: loading drops it
        load(it, store)
        assert [ids(it.next()) for _ in range(6)] == expected


def test_loads_a_serial_iterator_snapshot(tmp_path):
    s = SerialIterator(dataset(5), 2, order_sampler=ShuffleOrderSampler(0))
    s.next(), s.next()
    serializers.save_npz(str(tmp_path / 's.npz'), s)
    expected = [ids(s.next()) for _ in range(4)]
    with MultithreadIterator(dataset(5), 2, order_sampler=ShuffleOrderSampler(0)) as m:
        serializers.load_npz(str(tmp_path / 's.npz'), m)
        assert [ids(m.next()) for _ in range(4)] == expected


def test_finalize_stops_the_threads_and_a_later_next_restarts_them():
    it = MultithreadIterator(list(range(6)), 2, shuffle=False, n_threads=3)
    it.next()
    pool = it._pool
    it.finalize()
    assert it._pool is None and not any(t.is_alive() for t in pool._pool)
    assert it.next() == [2, 3]


def test_bad_arguments():
    with pytest.raises(ValueError, match='n_threads'):
        MultithreadIterator([1], 1, n_threads=0)
    with pytest.raises(ValueError, match='either shuffle or order_sampler'):
        MultithreadIterator([1], 1, shuffle=True, order_sampler=lambda o, p: o)

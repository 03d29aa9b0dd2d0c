import numpy
import pytest

import chainfuse
from chainfuse import serializers
from chainfuse.datasets import TupleDataset
from chainfuse.iterators import SerialIterator, ShuffleOrderSampler

from ._fakes import DictDeserializer, ids, load, save


def dataset(n):
    return TupleDataset(numpy.arange(n, dtype=numpy.float32).reshape(n, 1),
                        numpy.arange(n, dtype=numpy.int32))


def test_in_order_repeat_wraps_across_epochs_with_full_batches():
    it = SerialIterator(list(range(5)), 2, shuffle=False)
    assert it.previous_epoch_detail is None and it.epoch_detail == 0
    expected = [([0, 1], 0, False, 0.4, 0.0), ([2, 3], 0, False, 0.8, 0.4),
                ([4, 0], 1, True, 1.2, 0.8), ([1, 2], 1, False, 1.6, 1.2),
                ([3, 4], 2, True, 2.0, 1.6)]
    for batch, epoch, new, detail, previous in expected:
        assert it.next() == batch
        assert (it.epoch, it.is_new_epoch) == (epoch, new)
        assert it.epoch_detail == pytest.approx(detail)
        assert it.previous_epoch_detail == pytest.approx(previous)


def test_without_repeat_the_last_batch_is_smaller_then_stop():
    it = SerialIterator(list(range(5)), 2, repeat=False, shuffle=False)
    assert list(it) == [[0, 1], [2, 3], [4]]
    assert it.epoch == 1 and it.is_new_epoch
    with pytest.raises(StopIteration):
        it.next()
    it.reset()
    assert it.next() == [0, 1] and it.epoch == 0


def test_batch_larger_than_the_dataset_wraps_several_times():
    it = SerialIterator(list(range(3)), 7, shuffle=False)
    assert it.next() == [0, 1, 2, 0, 1, 2, 0]
    assert it.epoch == 2 and it.current_position == 1 and it.is_new_epoch
    assert it.next() == [1, 2, 0, 1, 2, 0, 1]
    assert it.epoch == 4


def test_shuffled_epochs_are_permutations_and_batches_full():
    chainfuse.set_random_seed(0)
    it = SerialIterator(dataset(10), 3)
    seen = []
    for _ in range(10):  # 30 examples = 3 epochs
        batch = ids(it.next())
        assert len(batch) == 3
        seen += batch
    epochs = [seen[i:i + 10] for i in range(0, 30, 10)]
    for epoch in epochs:
        assert sorted(epoch) == list(range(10))
    assert epochs[0] != epochs[1] != epochs[2]


def test_same_seed_same_orders():
    def run(seed):
        chainfuse.set_random_seed(seed)
        it = SerialIterator(dataset(8), 3)
        return [ids(it.next()) for _ in range(6)]
    assert run(1) == run(1)
    assert run(1) != run(2)


def test_order_sampler_protocol_and_errors():
    calls = []

    def reverse(order, position):
        calls.append((list(order), position))
        return order[::-1]

    it = SerialIterator(list(range(4)), 3, order_sampler=reverse)
    assert calls == [([0, 1, 2, 3], 0)]
    assert it.next() == [3, 2, 1]
    assert it.next() == [0, 0, 1]  # the new order is the reverse of [3, 2, 1, 0]
    assert calls[-1] == ([3, 2, 1, 0], 3)
    with pytest.raises(ValueError, match='either shuffle or order_sampler'):
        SerialIterator([1], 1, shuffle=True, order_sampler=reverse)
    bad = SerialIterator(list(range(4)), 2, order_sampler=lambda o, p: numpy.arange(len(o) - 1))
    assert bad.next() == [0, 1]  # the first order has 3 indices, the next one 2
    with pytest.raises(ValueError, match='order of length 2 for an order of length 3'):
        bad.next()


def test_empty_dataset():
    with pytest.raises(ValueError, match='non-empty'):
        SerialIterator([], 2).next()
    assert list(SerialIterator([], 2, repeat=False)) == []
    with pytest.raises(ValueError, match='batch_size'):
        SerialIterator([1], 0)


@pytest.mark.parametrize('own_generator', [True, False])
@pytest.mark.parametrize('stop_at', [2, 3, 5])
def test_serialize_resumes_with_the_same_batches(stop_at, own_generator):
    """A sampler with its own generator is saved with the iterator; the default one
    draws from numpy's global generator, whose state the Trainer's snapshot holds."""
    def sampler(seed):
        return {'order_sampler': ShuffleOrderSampler(seed)} if own_generator else {}
    chainfuse.set_random_seed(0)
    it = SerialIterator(dataset(7), 3, **sampler(0))
    for _ in range(stop_at):
        it.next()
    snapshot = save(it)
    global_state = chainfuse.random.get_state()
    expected = [ids(it.next()) for _ in range(8)]  # crosses several epoch boundaries
    after = (it.epoch, it.current_position, it.epoch_detail)

    chainfuse.set_random_seed(99)
    resumed = SerialIterator(dataset(7), 3, **sampler(99))
    load(resumed, snapshot)
    if not own_generator:
        chainfuse.random.set_state(global_state)    # what the Trainer's snapshot does
    assert resumed.previous_epoch_detail == pytest.approx(snapshot['previous_epoch_detail'])
    assert [ids(resumed.next()) for _ in range(8)] == expected
    assert (resumed.epoch, resumed.current_position, resumed.epoch_detail) == after


def test_serialize_keys_are_chainers_plus_an_own_sampler_state():
    chainers = {'current_position', 'epoch', 'is_new_epoch', 'order', 'previous_epoch_detail'}
    it = SerialIterator(dataset(4), 3)
    it.next()
    assert set(save(it)) == chainers    # numpy's global generator: not the iterator's
    it = SerialIterator(dataset(4), 3, order_sampler=ShuffleOrderSampler(3))
    it.next()
    assert set(save(it)) == chainers | {'order_sampler/random_state'}
    assert set(save(SerialIterator(dataset(4), 3, shuffle=False))) == {
        'current_position', 'epoch', 'is_new_epoch', 'previous_epoch_detail'}


def test_loads_a_chainer_snapshot_without_sampler_state_or_previous_detail():
    store = {'current_position': 2, 'epoch': 1, 'is_new_epoch': False,
             'order': numpy.array([3, 1, 0, 2])}
    it = SerialIterator(dataset(4), 2, order_sampler=ShuffleOrderSampler(0))
    it.serialize(DictDeserializer(store))
    assert (it.epoch, it.current_position) == (1, 2)
    assert it.previous_epoch_detail == pytest.approx(1.0)
    assert ids(it.next()) == [0, 2]


def test_npz_round_trip(tmp_path):
    chainfuse.set_random_seed(0)
    it = SerialIterator(dataset(5), 2)
    it.next(), it.next(), it.next()
    serializers.save_npz(str(tmp_path / 'it.npz'), it)
    state = chainfuse.random.get_state()
    expected = [ids(it.next()) for _ in range(5)]
    resumed = SerialIterator(dataset(5), 2)
    serializers.load_npz(str(tmp_path / 'it.npz'), resumed)
    chainfuse.random.set_state(state)   # the Trainer's snapshot holds numpy's state
    assert [ids(resumed.next()) for _ in range(5)] == expected

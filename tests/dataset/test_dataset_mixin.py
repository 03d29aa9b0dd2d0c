import numpy
import pytest

from chainfuse.dataset import DatasetMixin, Iterator


class Squares(DatasetMixin):
    def __init__(self, n):
        self.n = n
        self.calls = []

    def __len__(self):
        return self.n

    def get_example(self, i):
        self.calls.append(i)
        return i * i


def test_int_index_is_one_example_and_batch_indices_are_lists():
    ds = Squares(6)
    assert ds[3] == 9
    assert ds[1:4] == [1, 4, 9]
    assert ds[::-2] == [25, 9, 1]
    assert ds[[0, 5]] == [0, 25]
    assert ds[numpy.array([2, 1])] == [4, 1]
    assert ds[numpy.array(4)] == 16
    assert ds[numpy.array([True, False, False, False, False, True])] == [0, 25]


def test_each_example_is_one_get_example_call():
    ds = Squares(4)
    ds[0:4]
    assert ds.calls == [0, 1, 2, 3]


def test_missing_methods_name_the_class():
    class Empty(DatasetMixin):
        pass
    with pytest.raises(NotImplementedError, match='Empty must implement get_example'):
        Empty()[0]
    with pytest.raises(NotImplementedError, match='Empty must implement __len__'):
        len(Empty())


def test_iterator_base_is_a_context_manager_calling_finalize():
    class Counting(Iterator):
        finalized = 0

        def __next__(self):
            return [1]

        def finalize(self):
            self.finalized += 1

    with Counting() as it:
        assert next(it) == [1] and it.next() == [1] and iter(it) is it
    assert it.finalized == 1

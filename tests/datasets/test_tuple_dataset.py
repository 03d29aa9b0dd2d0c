import numpy
import pytest

from chainfuse.datasets import TupleDataset


def make():
    x = numpy.arange(12, dtype=numpy.float32).reshape(6, 2)
    t = numpy.arange(6, dtype=numpy.int32)
    return x, t, TupleDataset(x, t)


def test_int_index_gives_a_tuple():
    x, t, ds = make()
    assert len(ds) == 6
    a, b = ds[4]
    numpy.testing.assert_array_equal(a, x[4])
    assert b == 4 and b.dtype == numpy.int32
    assert ds[-1][1] == 5


@pytest.mark.parametrize('index', [slice(1, 5, 2), [5, 0, 3], numpy.array([2, 2]),
                                   slice(None, None, -1)])
def test_batch_indices_give_lists_of_tuples(index):
    x, t, ds = make()
    batch = ds[index]
    positions = numpy.arange(6)[index].tolist()
    assert isinstance(batch, list) and len(batch) == len(positions)
    for (a, b), i in zip(batch, positions):
        numpy.testing.assert_array_equal(a, x[i])
        assert b == t[i]


def test_python_lists_work_as_columns():
    ds = TupleDataset(['a', 'b', 'c'], numpy.arange(3))
    assert ds[1] == ('b', 1)
    assert ds[[2, 0]] == [('c', 2), ('a', 0)]
    assert ds[numpy.array([1])] == [('b', 1)]
    assert ds[0:2] == [('a', 0), ('b', 1)]


def test_length_mismatch_and_no_dataset():
    with pytest.raises(ValueError, match='dataset 0: 3, dataset 1: 2'):
        TupleDataset(numpy.zeros(3), numpy.zeros(2))
    with pytest.raises(ValueError, match='at least one'):
        TupleDataset()

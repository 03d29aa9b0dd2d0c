import numpy
import pytest

from chainfuse.datasets import DictDataset


def test_examples_are_dicts_and_batches_lists_of_dicts():
    x = numpy.arange(8).reshape(4, 2)
    ds = DictDataset(x=x, t=[10, 11, 12, 13])
    assert len(ds) == 4
    ex = ds[2]
    assert set(ex) == {'x', 't'} and ex['t'] == 12
    numpy.testing.assert_array_equal(ex['x'], [4, 5])
    batch = ds[[3, 1]]
    assert [b['t'] for b in batch] == [13, 11]
    numpy.testing.assert_array_equal(batch[0]['x'], [6, 7])
    assert [b['t'] for b in ds[1:3]] == [11, 12]


def test_length_mismatch_names_the_keys():
    with pytest.raises(ValueError, match='x: 2, t: 3'):
        DictDataset(x=numpy.zeros(2), t=numpy.zeros(3))
    with pytest.raises(ValueError, match='at least one'):
        DictDataset()

import pytest

from chainfuse.datasets import ConcatenatedDataset


def test_reads_the_datasets_one_after_another():
    ds = ConcatenatedDataset([0, 1], [], [2, 3, 4])
    assert len(ds) == 5
    assert ds[:] == [0, 1, 2, 3, 4]
    assert ds[2] == 2 and ds[-1] == 4 and ds[-5] == 0
    assert ds[[4, 0]] == [4, 0]
    with pytest.raises(IndexError, match='out of range'):
        ds[5]
    with pytest.raises(IndexError):
        ds[-6]
    assert len(ConcatenatedDataset()) == 0

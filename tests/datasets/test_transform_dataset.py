import numpy
import pytest

from chainfuse.datasets import TransformDataset, TupleDataset


def test_transform_is_applied_on_every_read():
    calls = []

    def double(example):
        calls.append(example)
        x, t = example
        return x * 2, t

    base = TupleDataset(numpy.arange(4.), numpy.arange(4))
    ds = TransformDataset(base, double)
    assert len(ds) == 4
    assert ds[1] == (2., 1)
    assert [x for x, _ in ds[1:3]] == [2., 4.]
    assert len(calls) == 3
    with pytest.raises(TypeError, match='callable'):
        TransformDataset(base, 3)

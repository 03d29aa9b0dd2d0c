import io
import pickle

import numpy
import pytest

from chainfuse.datasets import (PickleDataset, PickleDatasetWriter, open_pickle_dataset,
                                open_pickle_dataset_writer)
from chainfuse.iterators import MultiprocessIterator


def test_write_then_read_at_random(tmp_path):
    path = str(tmp_path / 'd.pkl')
    examples = [(i, numpy.full(3, i, numpy.float32), 'ex%d' % i) for i in range(5)]
    with open_pickle_dataset_writer(path) as w:
        for e in examples:
            w.write(e)
    with open_pickle_dataset(path) as dataset:
        assert len(dataset) == 5
        for i in (3, 0, 4, 3):
            a, b, c = dataset[i]
            assert (a, c) == (i, 'ex%d' % i) and b.tolist() == [i] * 3
        assert [e[0] for e in dataset[1:3]] == [1, 2]


def test_in_memory_streams_and_unseekable_readers():
    buf = io.BytesIO()
    w = PickleDatasetWriter(buf, protocol=2)
    w.write({'a': 1})
    w.write([2])
    w.flush()
    dataset = PickleDataset(io.BytesIO(buf.getvalue()))
    assert dataset[1] == [2] and dataset[0] == {'a': 1}

    class Stream(io.RawIOBase):
        def seekable(self):
            return False
    with pytest.raises(ValueError, match='random access'):
        PickleDataset(Stream())


def test_worker_processes_read_their_own_copy(tmp_path):
    path = str(tmp_path / 'd.pkl')
    with open_pickle_dataset_writer(path) as w:
        for i in range(8):
            w.write(numpy.array([i]))
    with open_pickle_dataset(path) as dataset, \
            MultiprocessIterator(dataset, 4, repeat=False, shuffle=False,
                                 n_processes=2) as it:
        assert [int(x[0]) for batch in it for x in batch] == list(range(8))
    copy = pickle.loads(pickle.dumps(open_pickle_dataset(path)))
    assert int(copy[5][0]) == 5

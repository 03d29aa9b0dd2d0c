"""`TupleDataset`: examples are tuples taken position-wise from several datasets."""
from chainfuse.dataset.dataset_mixin import is_batch_index
from chainfuse.datasets._indexing import check_lengths, take


class TupleDataset:
    """Combines datasets of equal length: ``ds[i] == (d0[i], d1[i], ...)``.

    Each argument is an array (of any device) or any object with ``len`` and
    ``[]``.  A batch index (slice, list, index array) indexes every dataset once
    (one fancy-indexing call per array, not one per example) and returns the list
    of tuples Chainer returns.

    >>> ds = TupleDataset(numpy.arange(3), numpy.arange(3) * 10)
    >>> ds[1]
    (1, 10)
    >>> ds[0:2]
    [(0, 0), (1, 10)]
    """

    def __init__(self, *datasets):
        if not datasets:
            raise ValueError('TupleDataset needs at least one dataset')
        check_lengths('TupleDataset',
                      [(f'dataset {i}', len(d)) for i, d in enumerate(datasets)])
        self._datasets = datasets
        self._length = len(datasets[0])

    def __getitem__(self, index):
        columns = [take(d, index) for d in self._datasets]
        if is_batch_index(index):
            return list(zip(*columns))
        return tuple(columns)

    def __len__(self):
        return self._length

    @property
    def datasets(self):
        return self._datasets

"""`DictDataset`: examples are dicts taken key-wise from several named datasets."""
from chainfuse.dataset.dataset_mixin import is_batch_index
from chainfuse.datasets._indexing import check_lengths, take


class DictDataset:
    """Combines named datasets of equal length: ``ds[i] == {'x': x[i], 't': t[i]}``.

    A batch index (slice, list, index array) returns a list of such dicts; each
    underlying dataset is indexed once.
    """

    def __init__(self, **datasets):
        if not datasets:
            raise ValueError('DictDataset needs at least one dataset')
        check_lengths('DictDataset', [(k, len(d)) for k, d in datasets.items()])
        self._datasets = datasets
        self._length = len(next(iter(datasets.values())))

    def __getitem__(self, index):
        columns = {k: take(d, index) for k, d in self._datasets.items()}
        if is_batch_index(index):
            n = len(next(iter(columns.values())))
            return [{k: col[i] for k, col in columns.items()} for i in range(n)]
        return columns

    def __len__(self):
        return self._length

    @property
    def datasets(self):
        return self._datasets

"""`ConcatenatedDataset`: several datasets read one after another."""
from chainfuse.dataset.dataset_mixin import DatasetMixin


class ConcatenatedDataset(DatasetMixin):
    """The examples of ``datasets[0]``, then of ``datasets[1]``, and so on.

    Index ``i`` is located by walking the lengths (read on every access, so the
    datasets may be changed after construction).  Negative indices count from the
    end of the whole sequence.
    """

    def __init__(self, *datasets):
        self._datasets = datasets

    def __len__(self):
        return sum(len(d) for d in self._datasets)

    def get_example(self, i):
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f'ConcatenatedDataset index {i} out of range for length {n}')
        if i < 0:
            i += n
        for dataset in self._datasets:
            if i < len(dataset):
                return dataset[i]
            i -= len(dataset)
        raise IndexError(i)  # unreachable unless a dataset shrank meanwhile

"""`TransformDataset`: applies a function to each example when it is read."""
from chainfuse.dataset.dataset_mixin import DatasetMixin


class TransformDataset(DatasetMixin):
    """``ds[i] == transform(dataset[i])``, computed lazily on every access.

    The transform runs each time an example is read, so random data augmentation
    gives a fresh variant every epoch; with MultiprocessIterator it runs in the
    worker processes.
    """

    def __init__(self, dataset, transform):
        if not callable(transform):
            raise TypeError(f'TransformDataset: transform must be callable, got '
                            f'{type(transform).__name__}')
        self._dataset = dataset
        self._transform = transform

    def __len__(self):
        return len(self._dataset)

    def get_example(self, i):
        return self._transform(self._dataset[i])

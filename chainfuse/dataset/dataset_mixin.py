"""`DatasetMixin`: a dataset defined by ``__len__`` and ``get_example(i)``.

The mixin turns those two methods into Chainer's indexing protocol:
``dataset[i]`` is one example, while ``dataset[i:j:k]``, ``dataset[[i, j]]`` and
``dataset[numpy_index_array]`` return *lists* of examples (a batch), each built
by one ``get_example`` call.  Datasets that can slice faster (TupleDataset over
arrays) override ``__getitem__`` instead.
"""
import numpy


def is_batch_index(index):
    """True for the index kinds that select several examples: slices, lists, 1-d arrays."""
    if isinstance(index, slice) or isinstance(index, list):
        return True
    if isinstance(index, numpy.ndarray) or hasattr(index, '__cuda_array_interface__'):
        return index.ndim > 0
    return False


def batch_positions(index, length):
    """The integer positions a batch index selects in a dataset of `length` examples."""
    if isinstance(index, slice):
        return range(*index.indices(length))
    if hasattr(index, 'dtype') and index.dtype == numpy.bool_:
        if len(index) != length:
            raise IndexError(f'boolean index of length {len(index)} does not match the '
                             f'dataset length {length}')
        return numpy.flatnonzero(numpy.asarray(index)).tolist()
    if hasattr(index, 'tolist'):
        return index.tolist()
    return index


class DatasetMixin:
    """Default ``__getitem__`` for datasets that implement ``__len__`` and ``get_example``."""

    def __getitem__(self, index):
        if is_batch_index(index):
            return [self.get_example(i) for i in batch_positions(index, len(self))]
        if isinstance(index, numpy.ndarray):  # a 0-d index array
            index = index.item()
        return self.get_example(index)

    def __len__(self):
        raise NotImplementedError(f'{type(self).__name__} must implement __len__')

    def get_example(self, i):
        """Returns the ``i``-th example (negative ``i`` counts from the end where supported)."""
        raise NotImplementedError(f'{type(self).__name__} must implement get_example(i)')

"""Indexing helpers shared by the array-backed datasets (TupleDataset, DictDataset)."""
from chainfuse.dataset.dataset_mixin import batch_positions, is_batch_index


def take(data, index):
    """``data[index]`` for arrays and datasets; element by element for lists and tuples.

    Python lists cannot be indexed by a list or an index array, so for them a batch
    index selects its positions one at a time (a list comes back).
    """
    if isinstance(data, (list, tuple)) and is_batch_index(index):
        if isinstance(index, slice):
            return list(data[index])
        return [data[i] for i in batch_positions(index, len(data))]
    return data[index]


def check_lengths(owner, named_lengths):
    """Raises ValueError naming each dataset's length unless they are all equal."""
    lengths = {n for _, n in named_lengths}
    if len(lengths) > 1:
        shown = ', '.join(f'{name}: {n}' for name, n in named_lengths)
        raise ValueError(f'{owner}: all datasets must have the same length, got {shown}')

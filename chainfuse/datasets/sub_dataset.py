"""`SubDataset` and the split helpers built on it (train/validation, k-fold).

A SubDataset is a window ``[start, finish)`` over a base dataset, optionally seen
through a permutation ``order``: its ``i``-th example is
``dataset[order[start + i]]`` (``dataset[start + i]`` without ``order``).  Nothing
is copied.

Random splits draw their permutation from ``numpy.random.RandomState(seed)``, as
Chainer's do: a given ``seed`` makes the split Chainer makes for that seed, and
``seed=None`` a fresh one each time, without drawing from numpy's global generator
(so a split before building a model does not change its initial weights, as in
Chainer).  Pass a seed for a repeatable split.
"""
import warnings

import numpy

from chainfuse.dataset.dataset_mixin import DatasetMixin


class SubDataset(DatasetMixin):
    """Examples ``start`` to ``finish - 1`` of `dataset`, optionally permuted by `order`."""

    def __init__(self, dataset, start, finish, order=None):
        if start < 0 or finish > len(dataset) or start > finish:
            raise ValueError(f'SubDataset [{start}, {finish}) does not fit in a dataset of '
                             f'length {len(dataset)}')
        if order is not None and len(order) != len(dataset):
            raise ValueError(f'SubDataset: order has length {len(order)} but the dataset has '
                             f'length {len(dataset)}; it must be a permutation of the indices')
        self._dataset = dataset
        self._start = start
        self._finish = finish
        self._size = finish - start
        self._order = order

    def __len__(self):
        return self._size

    def get_example(self, i):
        if not -self._size <= i < self._size:
            raise IndexError(f'SubDataset index {i} out of range for length {self._size}')
        index = self._start + i if i >= 0 else self._finish + i
        if self._order is not None:
            index = self._order[index]
        return self._dataset[index]


def _permutation(n, seed):
    return numpy.random.RandomState(seed).permutation(n)


def split_dataset(dataset, split_at, order=None):
    """``(dataset[:split_at], dataset[split_at:])`` as SubDatasets (through `order`)."""
    n = len(dataset)
    if split_at < 0:
        raise ValueError(f'split_dataset: split_at must be non-negative, got {split_at}')
    if split_at > n:
        raise ValueError(f'split_dataset: split_at {split_at} exceeds the dataset size {n}')
    return SubDataset(dataset, 0, split_at, order), SubDataset(dataset, split_at, n, order)


def split_dataset_random(dataset, first_size, seed=None):
    """Splits into a random subset of `first_size` examples and the rest."""
    return split_dataset(dataset, first_size, _permutation(len(dataset), seed))


def split_dataset_n(dataset, n, order=None):
    """`n` SubDatasets of ``len(dataset) // n`` examples each (the remainder is dropped)."""
    size = len(dataset) // n
    return [SubDataset(dataset, size * i, size * (i + 1), order) for i in range(n)]


def split_dataset_n_random(dataset, n, seed=None):
    """`split_dataset_n` over a random permutation."""
    return split_dataset_n(dataset, n, _permutation(len(dataset), seed))


def get_cross_validation_datasets(dataset, n_folds=None, order=None, **kwargs):
    """`n_folds` (train, test) splits whose test parts partition the dataset.

    Test parts differ in size by at most one.  Each split is a pair of SubDatasets
    over a rotated copy of `order`, so the test part is the tail of the rotation.
    (``n_fold=`` is Chainer's deprecated spelling, still accepted with a warning.)
    """
    n_folds = _n_folds('get_cross_validation_datasets', n_folds, kwargs)
    order = numpy.arange(len(dataset)) if order is None else numpy.array(order)
    whole = len(dataset)
    borders = [whole * i // n_folds for i in range(n_folds + 1)]
    test_sizes = [borders[i + 1] - borders[i] for i in range(n_folds)]
    splits = []
    for test_size in reversed(test_sizes):
        splits.append(split_dataset(dataset, whole - test_size, order))
        order = numpy.roll(order, test_size)
    return splits


def get_cross_validation_datasets_random(dataset, n_folds=None, seed=None, **kwargs):
    """`get_cross_validation_datasets` over a random permutation (fixed by `seed`)."""
    n_folds = _n_folds('get_cross_validation_datasets_random', n_folds, kwargs)
    return get_cross_validation_datasets(dataset, n_folds, _permutation(len(dataset), seed))


def _n_folds(who, n_folds, kwargs):
    if 'n_fold' in kwargs:
        warnings.warn(f'{who}: n_fold is deprecated; use n_folds', DeprecationWarning,
                      stacklevel=3)
        if n_folds is not None:
            raise TypeError(f'{who}: give n_folds or n_fold, not both')
        n_folds = kwargs.pop('n_fold')
    if kwargs:
        raise TypeError(f'{who}() got unexpected keyword arguments {sorted(kwargs)}')
    if n_folds is None:
        raise TypeError(f'{who}() needs n_folds (the number of splits)')
    if n_folds < 1:
        raise ValueError(f'{who}: n_folds must be >= 1, got {n_folds}')
    return n_folds

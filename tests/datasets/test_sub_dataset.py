import numpy
import pytest

import chainfuse
from chainfuse.datasets import (
    SubDataset, get_cross_validation_datasets, get_cross_validation_datasets_random,
    split_dataset, split_dataset_n, split_dataset_n_random, split_dataset_random)

BASE = list(range(10))


def test_window_with_and_without_order():
    sub = SubDataset(BASE, 2, 5)
    assert len(sub) == 3 and sub[:] == [2, 3, 4] and sub[-1] == 4
    order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    sub = SubDataset(BASE, 2, 5, order)
    assert sub[:] == [7, 6, 5] and sub[-3] == 7
    with pytest.raises(IndexError):
        sub[3]
    with pytest.raises(IndexError):
        sub[-4]


def test_invalid_windows():
    with pytest.raises(ValueError, match='does not fit'):
        SubDataset(BASE, 5, 11)
    with pytest.raises(ValueError, match='order has length 3'):
        SubDataset(BASE, 0, 2, [0, 1, 2])


def test_split_dataset_covers_everything_once():
    a, b = split_dataset(BASE, 4)
    assert a[:] == [0, 1, 2, 3] and b[:] == list(range(4, 10))
    with pytest.raises(ValueError, match='exceeds'):
        split_dataset(BASE, 11)
    with pytest.raises(ValueError, match='non-negative'):
        split_dataset(BASE, -1)


def test_split_dataset_random_is_chainers_and_leaves_numpys_generator_alone():
    a, b = split_dataset_random(BASE, 3, seed=7)
    order = numpy.random.RandomState(7).permutation(10)
    assert a[:] == order[:3].tolist() and b[:] == order[3:].tolist()
    # without a seed: a fresh split that does not draw from numpy's global generator,
    # so the weights of a model built after it are the ones Chainer gives
    chainfuse.set_random_seed(1)
    before = chainfuse.random.get_state()
    parts = split_dataset_random(list(range(50)), 25)
    assert sorted(parts[0][:] + parts[1][:]) == list(range(50))
    assert chainfuse.random.get_state() == before


def test_split_dataset_n():
    parts = split_dataset_n(BASE, 3)
    assert [p[:] for p in parts] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    parts = split_dataset_n_random(BASE, 2, seed=0)
    assert sorted(parts[0][:] + parts[1][:]) == BASE


def test_cross_validation_test_parts_partition_the_data():
    splits = get_cross_validation_datasets(BASE, 3)
    assert len(splits) == 3
    tests = [t[:] for _, t in splits]
    assert sorted(sum(tests, [])) == BASE
    assert sorted(len(t) for t in tests) == [3, 3, 4]
    for train, test in splits:
        assert sorted(train[:] + test[:]) == BASE
    random_splits = get_cross_validation_datasets_random(BASE, 4, seed=3)
    assert sorted(sum((t[:] for _, t in random_splits), [])) == BASE


def test_cross_validation_takes_chainers_keywords():
    by_keyword = get_cross_validation_datasets(BASE, n_folds=3)
    assert [t[:] for _, t in by_keyword] == [t[:] for _, t in
                                            get_cross_validation_datasets(BASE, 3)]
    random_splits = get_cross_validation_datasets_random(BASE, n_folds=2, seed=0)
    # the permutation is numpy.random.RandomState(seed)'s, as in Chainer
    order = numpy.random.RandomState(0).permutation(10)
    assert random_splits[0][1][:] == [int(i) for i in order[5:]]
    with pytest.warns(DeprecationWarning, match='use n_folds'):
        assert len(get_cross_validation_datasets(BASE, n_fold=2)) == 2
    with pytest.raises(TypeError, match='needs n_folds'):
        get_cross_validation_datasets(BASE)
    with pytest.raises(TypeError, match='unexpected keyword'):
        get_cross_validation_datasets_random(BASE, 2, folds=3)
    with pytest.raises(ValueError, match='n_folds must be >= 1'):
        get_cross_validation_datasets(BASE, n_folds=0)

import os
import shutil

import numpy
import pytest

from chainfuse.datasets import TupleDataset, digits, get_digits


def test_fixed_split_shapes_and_scaling():
    train, test = get_digits()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (1437, 360)
    x, t = train[0]
    assert x.shape == (64,) and x.dtype == numpy.float32 and t.dtype == numpy.int32
    xs = numpy.stack([ex[0] for ex in train[:]])
    assert xs.min() == 0. and xs.max() == 1.
    labels = numpy.array([ex[1] for ex in test[:]])
    assert set(labels.tolist()) == set(range(10))
    again, _ = get_digits()
    numpy.testing.assert_array_equal(again[5][0], train[5][0])  # the split is fixed


def test_the_data_ship_inside_the_package_with_source_and_license():
    directory = os.path.dirname(digits.DATA_PATH)
    assert os.path.dirname(directory) == os.path.dirname(os.path.abspath(digits.__file__))
    with open(os.path.join(directory, 'README.md')) as f:
        readme = f.read()
    assert 'archive.ics.uci.edu/dataset/80' in readme and 'CC BY 4.0' in readme
    assert os.path.exists(os.path.join(directory, 'SCIKIT_LEARN_COPYING.txt'))
    images, labels = digits._load_raw()
    assert numpy.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174,
                                               180]     # the UCI test set's classes
    assert images.max() == 16


def test_split_is_the_documented_permutation_of_scikit_learns_copy():
    sklearn_datasets = pytest.importorskip('sklearn.datasets',
                                           reason='compares with scikit-learn\'s copy')
    data = sklearn_datasets.load_digits()
    order = numpy.random.RandomState(0).permutation(1797)
    _, test = get_digits(withlabel=False, scale=16.)
    numpy.testing.assert_array_equal(test, data.data[order[1437:]].astype(numpy.float32))


def test_ndim_and_rgb():
    train, _ = get_digits(ndim=3, rgb_format=True, withlabel=False, dtype=numpy.float64)
    assert train.shape == (1437, 3, 8, 8) and train.dtype == numpy.float64
    train, _ = get_digits(ndim=2)
    assert train[0][0].shape == (8, 8)


def test_a_damaged_data_file_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / 'digits.npz'
    with numpy.load(digits.DATA_PATH) as f:
        images = f['images'].copy()
        labels = f['labels']
    images[0, 0, 0] += 1
    numpy.savez_compressed(bad, images=images, labels=labels)
    monkeypatch.setattr(digits, 'DATA_PATH', str(bad))
    monkeypatch.setattr(digits, '_cache', [])
    with pytest.raises(OSError, match='does not hold the digits.*reinstall'):
        get_digits()
    shutil.copy(__file__, bad)
    with pytest.raises(OSError, match='cannot be read.*reinstall'):
        get_digits()

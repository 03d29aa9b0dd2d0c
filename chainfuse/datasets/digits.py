"""`get_digits`: the 8x8 handwritten digits that ship inside scikit-learn.

1,797 grey-scale images of the digits 0-9 (UCI "Optical Recognition of
Handwritten Digits", pixels 0..16), loaded from scikit-learn's package data: no
download, so it is the default data set of the examples and of the README.

The split is fixed: the examples are permuted with
``numpy.random.RandomState(0).permutation(1797)``; the first 1,437 of that order
are the training set and the last 360 (20 %) the test set.  Every call and every
machine gets the same split.
"""
import gzip
import importlib.util
import os

import numpy

from chainfuse.datasets._preprocess import preprocess_images

SPLIT_SEED = 0
N_TEST = 360


def _data_file():
    """The path of scikit-learn's ``datasets/data/digits.csv.gz``, found without importing
    scikit-learn (importing it takes about a second, most of a small example's start-up),
    or None when scikit-learn or the file is not there."""
    spec = importlib.util.find_spec('sklearn')
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = os.path.join(root, 'datasets', 'data', 'digits.csv.gz')
        if os.path.isfile(path):
            return path
    return None


def _load_raw():
    """(images (1797, 8, 8) float64, labels (1797,) int): what ``load_digits()`` gives,
    read from its CSV file (64 pixels, then the label, per row) as it reads it; through
    ``load_digits`` itself where the file is not where scikit-learn keeps it."""
    path = _data_file()
    if path is not None:
        with gzip.open(path, 'rt') as f:
            data = numpy.loadtxt(f, delimiter=',')
        return data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(int)
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError(
            'get_digits() needs scikit-learn, which ships the digits data set. Install it '
            'with `pip install scikit-learn` (or `pip install chainfuse[examples]`).') from e
    digits = load_digits()
    return numpy.asarray(digits.images), numpy.asarray(digits.target)


def get_digits(withlabel=True, ndim=1, scale=1., dtype=numpy.float32,
               label_dtype=numpy.int32, rgb_format=False):
    """Returns ``(train, test)`` of the scikit-learn digits, shaped like `get_mnist`'s.

    Args:
        withlabel (bool): (image, label) TupleDatasets if True, else image arrays.
        ndim (int): 1 -> images of shape (64,); 2 -> (8, 8); 3 -> (1, 8, 8).
        scale (float): pixels are scaled from 0..16 to ``[0, scale]``.
        dtype: dtype of the images; label_dtype: dtype of the labels.
        rgb_format (bool): with ndim=3, repeat the channel to get (3, 8, 8).

    The split is described in the module docstring (1,437 train, 360 test).
    """
    images, labels = _load_raw()
    order = numpy.random.RandomState(SPLIT_SEED).permutation(len(images))
    n_train = len(images) - N_TEST

    def make(idx):
        return preprocess_images(images[idx], labels[idx], 8, 16., withlabel, ndim, scale,
                                 dtype, label_dtype, rgb_format, 'get_digits')
    return make(order[:n_train]), make(order[n_train:])

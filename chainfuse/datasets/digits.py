"""`get_digits`: the 8x8 handwritten digits that ship inside chainfuse.

1,797 grey-scale images of the digits 0-9 (the test set of UCI's "Optical
Recognition of Handwritten Digits", pixels 0..16), stored in the package as
``chainfuse/datasets/data/digits.npz`` (45 KB; source and license in the README
beside it).  No download and no other package is needed, so it is the default data
set of the examples and of the README.

The split is fixed: the examples are permuted with
``numpy.random.RandomState(0).permutation(1797)``; the first 1,437 of that order
are the training set and the last 360 (20 %) the test set.  Every call and every
machine gets the same split.
"""
import hashlib
import os

import numpy

from chainfuse.datasets._preprocess import preprocess_images

SPLIT_SEED = 0
N_TEST = 360
DATA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'digits.npz')
# sha256 of images.tobytes() + labels.tobytes() (see tests/data/make_digits.py)
DIGITS_SHA256 = '87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826'

_cache = []


def arrays_digest(images, labels):
    """The sha256 the shipped arrays must have."""
    return hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()


def _load_raw():
    if _cache:
        return _cache[0]
    try:
        with numpy.load(DATA_PATH) as f:
            images, labels = f['images'], f['labels']
    except (OSError, KeyError, ValueError) as e:
        raise OSError(f'get_digits: the data file {DATA_PATH} that ships with chainfuse '
                      f'cannot be read ({e}); reinstall chainfuse') from None
    if images.shape != (1797, 8, 8) or images.dtype != numpy.uint8 or \
            labels.shape != (1797,) or arrays_digest(images, labels) != DIGITS_SHA256:
        raise OSError(f'get_digits: {DATA_PATH} does not hold the digits that ship with '
                      f'chainfuse (images {images.dtype} {images.shape}, labels '
                      f'{labels.shape}, or a different digest); reinstall chainfuse')
    _cache.append((images, labels))
    return images, labels


def get_digits(withlabel=True, ndim=1, scale=1., dtype=numpy.float32,
               label_dtype=numpy.int32, rgb_format=False):
    """Returns ``(train, test)`` of the 8x8 digits, shaped like `get_mnist`'s.

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

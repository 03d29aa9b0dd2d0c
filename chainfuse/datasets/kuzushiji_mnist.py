"""`get_kuzushiji_mnist`: Kuzushiji-MNIST (ROIS-DS CODH), ten cursive Japanese characters.

The same four IDX files and layout as MNIST (see `chainfuse.datasets.mnist`), cached
under ``get_dataset_directory('kuzushiji-mnist')``; the mirrors can be replaced with
``$CHAINFUSE_KUZUSHIJI_MNIST_URL``.  `get_kuzushiji_mnist_labels` gives each label's
romaji name and character.
"""
import numpy

from chainfuse.datasets import _remote
from chainfuse.datasets.mnist import IdxSet

CHECKSUMS = {
    'train-images-idx3-ubyte.gz': 'bdb82020997e1d708af4cf47b453dcf7',
    'train-labels-idx1-ubyte.gz': 'e144d726b3acfaa3e44228e80efcd344',
    't10k-images-idx3-ubyte.gz': '5c965bf0a639b31b8f53240b1b52f4d7',
    't10k-labels-idx1-ubyte.gz': '7320c461ea6c1c855c0b718fb2a4b134',
}

MIRRORS = [
    'http://codh.rois.ac.jp/kmnist/dataset/kmnist/',
    'https://codh.rois.ac.jp/kmnist/dataset/kmnist/',
]

LABELS = [('o', '\u304A'), ('ki', '\u304D'), ('su', '\u3059'), ('tsu', '\u3064'),
          ('na', '\u306A'), ('ha', '\u306F'), ('ma', '\u307E'), ('ya', '\u3084'),
          ('re', '\u308C'), ('wo', '\u3092')]

_SET = IdxSet(_remote.Remote('get_kuzushiji_mnist', 'kuzushiji-mnist', lambda: CHECKSUMS,
                             lambda: MIRRORS, 'CHAINFUSE_KUZUSHIJI_MNIST_URL'))


def get_kuzushiji_mnist_labels():
    """``[(romaji, character), ...]`` indexed by label."""
    return list(LABELS)


def get_kuzushiji_mnist(withlabel=True, ndim=1, scale=1., dtype=None, label_dtype=numpy.int32,
                        rgb_format=False):
    """Returns ``(train, test)``: 60,000 and 10,000 28x28 images, as Chainer's does.

    The arguments are `get_mnist`'s (see `get_fashion_mnist`).
    """
    return _SET.get(withlabel, ndim, scale, dtype, label_dtype, rgb_format)

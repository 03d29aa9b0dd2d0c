"""`get_fashion_mnist`: Zalando's Fashion-MNIST, 28x28 grey-scale images of clothing.

The same four IDX files and layout as MNIST (see `chainfuse.datasets.mnist`), cached
under ``get_dataset_directory('fashion-mnist')``; the mirrors can be replaced with
``$CHAINFUSE_FASHION_MNIST_URL``.  Labels 0-9 name the classes of
`get_fashion_mnist_labels`.
"""
import numpy

from chainfuse.datasets import _remote
from chainfuse.datasets.mnist import IdxSet

CHECKSUMS = {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
}

MIRRORS = [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
]

LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
          'Sneaker', 'Bag', 'Ankle boot']

_SET = IdxSet(_remote.Remote('get_fashion_mnist', 'fashion-mnist', lambda: CHECKSUMS,
                             lambda: MIRRORS, 'CHAINFUSE_FASHION_MNIST_URL'))


def get_fashion_mnist_labels():
    """The names of the ten classes, indexed by label."""
    return list(LABELS)


def get_fashion_mnist(withlabel=True, ndim=1, scale=1., dtype=None, label_dtype=numpy.int32,
                      rgb_format=False):
    """Returns ``(train, test)``: 60,000 and 10,000 28x28 images, as Chainer's does.

    The arguments are `get_mnist`'s: ``withlabel``, ``ndim`` (1: (784,), 2: (28, 28),
    3: (1, 28, 28)), ``scale`` (pixels scaled to ``[0, scale]``), ``dtype`` (None:
    ``config.dtype``), ``label_dtype`` and ``rgb_format`` (3 channels with ndim=3).
    """
    return _SET.get(withlabel, ndim, scale, dtype, label_dtype, rgb_format)

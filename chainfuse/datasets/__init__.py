"""Datasets (Chainer's ``chainer.datasets``): containers that combine, split and
transform datasets; image, text and pickle files; the data sets Chainer downloads
(MNIST, Fashion-MNIST, Kuzushiji-MNIST, CIFAR-10/100, SVHN, Penn Tree Bank), with
checksums, mirrors and an atomic cache; and the 8x8 digits that ship with chainfuse."""
from chainfuse.datasets.cifar import get_cifar10, get_cifar100  # noqa: F401
from chainfuse.datasets.concatenated_dataset import ConcatenatedDataset  # noqa: F401
from chainfuse.datasets.dict_dataset import DictDataset  # noqa: F401
from chainfuse.datasets.digits import get_digits  # noqa: F401
from chainfuse.datasets.fashion_mnist import (  # noqa: F401
    get_fashion_mnist, get_fashion_mnist_labels)
from chainfuse.datasets.image_dataset import ImageDataset, LabeledImageDataset  # noqa: F401
from chainfuse.datasets.kuzushiji_mnist import (  # noqa: F401
    get_kuzushiji_mnist, get_kuzushiji_mnist_labels)
from chainfuse.datasets.mnist import get_mnist  # noqa: F401
from chainfuse.datasets.pickle_dataset import (  # noqa: F401
    PickleDataset, PickleDatasetWriter, open_pickle_dataset, open_pickle_dataset_writer)
from chainfuse.datasets.ptb import get_ptb_words, get_ptb_words_vocabulary  # noqa: F401
from chainfuse.datasets.sub_dataset import (  # noqa: F401
    SubDataset, get_cross_validation_datasets, get_cross_validation_datasets_random,
    split_dataset, split_dataset_n, split_dataset_n_random, split_dataset_random)
from chainfuse.datasets.svhn import get_svhn  # noqa: F401
from chainfuse.datasets.text_dataset import TextDataset  # noqa: F401
from chainfuse.datasets.transform_dataset import TransformDataset  # noqa: F401
from chainfuse.datasets.tuple_dataset import TupleDataset  # noqa: F401
from chainfuse.datasets.zipped_image_dataset import (  # noqa: F401
    LabeledZippedImageDataset, MultiZippedImageDataset, ZippedImageDataset)

__all__ = [
    'ConcatenatedDataset', 'DictDataset', 'ImageDataset', 'LabeledImageDataset',
    'LabeledZippedImageDataset', 'MultiZippedImageDataset', 'PickleDataset',
    'PickleDatasetWriter', 'SubDataset', 'TextDataset', 'TransformDataset', 'TupleDataset',
    'ZippedImageDataset', 'get_cifar10', 'get_cifar100', 'get_cross_validation_datasets',
    'get_cross_validation_datasets_random', 'get_digits', 'get_fashion_mnist',
    'get_fashion_mnist_labels', 'get_kuzushiji_mnist', 'get_kuzushiji_mnist_labels',
    'get_mnist', 'get_ptb_words', 'get_ptb_words_vocabulary', 'get_svhn',
    'open_pickle_dataset', 'open_pickle_dataset_writer', 'split_dataset', 'split_dataset_n',
    'split_dataset_n_random', 'split_dataset_random',
]

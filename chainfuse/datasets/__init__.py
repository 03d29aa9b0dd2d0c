"""Datasets (Chainer's ``chainer.datasets``): containers that combine, split and
transform datasets, image files, and the data sets Chainer downloads (MNIST, CIFAR, ...)
plus the 8x8 digits that ship with chainfuse."""
from chainfuse.datasets.concatenated_dataset import ConcatenatedDataset  # noqa: F401
from chainfuse.datasets.dict_dataset import DictDataset  # noqa: F401
from chainfuse.datasets.digits import get_digits  # noqa: F401
from chainfuse.datasets.image_dataset import ImageDataset, LabeledImageDataset  # noqa: F401
from chainfuse.datasets.mnist import get_mnist  # noqa: F401
from chainfuse.datasets.sub_dataset import (  # noqa: F401
    SubDataset, get_cross_validation_datasets, get_cross_validation_datasets_random,
    split_dataset, split_dataset_n, split_dataset_n_random, split_dataset_random)
from chainfuse.datasets.transform_dataset import TransformDataset  # noqa: F401
from chainfuse.datasets.tuple_dataset import TupleDataset  # noqa: F401

__all__ = [
    'ConcatenatedDataset', 'DictDataset', 'ImageDataset', 'LabeledImageDataset', 'SubDataset',
    'TransformDataset', 'TupleDataset', 'get_cross_validation_datasets',
    'get_cross_validation_datasets_random', 'get_digits', 'get_mnist', 'split_dataset',
    'split_dataset_n', 'split_dataset_n_random', 'split_dataset_random',
]

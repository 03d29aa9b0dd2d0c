"""`get_svhn`: the Street View House Numbers, cropped 32x32 digits (Netzer et al., 2011).

Each split is one MATLAB file (``train_32x32.mat``, ``test_32x32.mat``,
``extra_32x32.mat``) checked against its md5, downloaded from `MIRRORS` or
``$CHAINFUSE_SVHN_URL`` into ``get_dataset_directory('svhn')`` (see
`chainfuse.datasets._remote`).  The files hold ``X`` (32, 32, 3, N) uint8 and ``y``
(N, 1) with the labels 1..10, 10 standing for the digit 0; they are read by
`chainfuse.datasets._matlab` (no SciPy needed) and kept as ``<split>.npz``.
As in Chainer the images become (N, 3, 32, 32) and the label 10 becomes 0.
"""
import os

import numpy

from chainfuse.datasets import _matlab, _remote
from chainfuse.datasets.tuple_dataset import TupleDataset

CHECKSUMS = {
    'train_32x32.mat': 'e26dedcc434d2e4c54c9b2d4a06d8373',
    'test_32x32.mat': 'eb5a983be6a315427106f1b164d9cef3',
    'extra_32x32.mat': 'a93ce644f1a588dc4d68dda5feec44a7',
}

MIRRORS = ['http://ufldl.stanford.edu/housenumbers/']

_REMOTE = _remote.Remote('get_svhn', 'svhn', lambda: CHECKSUMS, lambda: MIRRORS,
                         'CHAINFUSE_SVHN_URL')


def get_svhn(withlabel=True, scale=1., dtype=None, label_dtype=numpy.int32, add_extra=False):
    """Returns ``(train, test)`` (``(train, test, extra)`` with `add_extra`): 73,257,
    26,032 (and 531,131) RGB images of shape (3, 32, 32), labels 0-9.

    Args:
        withlabel (bool): (image, label) TupleDatasets if True, else image arrays.
        scale (float): pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images (None: ``config.dtype``, float32 by default).
        label_dtype: dtype of the labels.
        add_extra (bool): also return the "extra" split (a 1.3 GB download).
    """
    dtype = _remote.image_dtype(dtype)
    splits = ('train', 'test', 'extra') if add_extra else ('train', 'test')
    return tuple(_preprocess(_retrieve(s), withlabel, scale, dtype, label_dtype)
                 for s in splits)


def _preprocess(raw, withlabel, scale, dtype, label_dtype):
    images = raw['x'].transpose(3, 2, 0, 1).astype(dtype)
    images *= scale / 255.
    if not withlabel:
        return images
    labels = raw['y'].astype(label_dtype).ravel()
    labels[labels == 10] = 0
    return TupleDataset(images, labels)


def _retrieve(split):
    path = os.path.join(_REMOTE.directory(), split + '.npz')
    return _remote.load_or_build(path, lambda: _convert(split), _check_cache, _REMOTE.who)


def _check_cache(raw):
    x, y = raw['x'], raw['y']
    _remote.expect(x.ndim == 4 and x.shape[:3] == (32, 32, 3) and y.size == x.shape[3],
                   f'unexpected shapes x {x.shape}, y {y.shape}')


def _convert(split):
    path = _REMOTE.ensure(f'{split}_32x32.mat')
    arrays = _matlab.load_mat(path, names=('X', 'y'))
    x, y = arrays['X'], arrays['y']
    if x.ndim != 4 or x.shape[:3] != (32, 32, 3) or y.size != x.shape[3]:
        raise _matlab.MatFormatError(f'{path}: expected X of shape (32, 32, 3, N) and N '
                                     f'labels y, found X {x.shape} and y {y.shape}')
    if y.size and (y.min() < 1 or y.max() > 10 or (y != numpy.round(y)).any()):
        raise _matlab.MatFormatError(f'{path}: the labels must be the integers 1..10, found '
                                     f'values from {y.min()} to {y.max()}')
    return {'x': x.astype(numpy.uint8), 'y': y.astype(numpy.uint8)}

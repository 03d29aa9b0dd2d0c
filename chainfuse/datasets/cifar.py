"""`get_cifar10`, `get_cifar100`: the CIFAR 32x32 colour images (Krizhevsky, 2009).

Each is one archive (``cifar-10-python.tar.gz``, ``cifar-100-python.tar.gz``) checked
against its md5, downloaded from `MIRRORS` or ``$CHAINFUSE_CIFAR_URL`` into
``get_dataset_directory('cifar')`` (see `chainfuse.datasets._remote`).  The archive
holds Python pickles of dicts (``data``: uint8 (N, 3072) rows of R, G, B planes of
32x32; ``labels``, or ``fine_labels`` for CIFAR-100).  They are read with an
unpickler that builds only dicts, lists, strings, numbers and numpy arrays, so a
replaced archive cannot run code, and kept as ``cifar-10.npz`` / ``cifar-100.npz``
(``train_x``, ``train_y``, ``test_x``, ``test_y``).
"""
import io
import os
import pickle
import tarfile

import numpy

from chainfuse.datasets import _remote
from chainfuse.datasets.tuple_dataset import TupleDataset

CHECKSUMS = {
    'cifar-10-python.tar.gz': 'c58f30108f718f92721af3b95e74349a',
    'cifar-100-python.tar.gz': 'eb9058c3a382ffc7106e4002c42a8d85',
}

MIRRORS = ['https://www.cs.toronto.edu/~kriz/']

# members of each archive: (train files, test file, label key)
_LAYOUT = {
    'cifar-10': ([f'cifar-10-batches-py/data_batch_{i}' for i in range(1, 6)],
                 'cifar-10-batches-py/test_batch', 'labels'),
    'cifar-100': (['cifar-100-python/train'], 'cifar-100-python/test', 'fine_labels'),
}
_N_CLASSES = {'cifar-10': 10, 'cifar-100': 100}

_REMOTE = _remote.Remote('get_cifar10/get_cifar100', 'cifar', lambda: CHECKSUMS,
                         lambda: MIRRORS, 'CHAINFUSE_CIFAR_URL')


class CifarFormatError(ValueError):
    """The archive does not hold the CIFAR files expected."""


def get_cifar10(withlabel=True, ndim=3, scale=1., dtype=None):
    """Returns ``(train, test)``: 50,000 and 10,000 32x32 RGB images in 10 classes.

    Args:
        withlabel (bool): (image, int32 label) TupleDatasets if True, else image arrays.
        ndim (int): 3 -> images of shape (3, 32, 32); 1 -> (3072,).
        scale (float): pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images (None: ``config.dtype``, float32 by default).
    """
    return _get('cifar-10', withlabel, ndim, scale, dtype)


def get_cifar100(withlabel=True, ndim=3, scale=1., dtype=None):
    """Returns ``(train, test)``: 50,000 and 10,000 32x32 RGB images in 100 (fine)
    classes; the arguments are `get_cifar10`'s."""
    return _get('cifar-100', withlabel, ndim, scale, dtype)


def _get(name, withlabel, ndim, scale, dtype):
    if ndim not in (1, 3):
        raise ValueError(f'get_{name.replace("-", "")}: ndim must be 1 or 3, got {ndim}')
    dtype = _remote.image_dtype(dtype)
    path = os.path.join(_REMOTE.directory(), name + '.npz')
    raw = _remote.load_or_build(path, lambda: _convert(name), _check_cache, _REMOTE.who)
    return (_preprocess(raw['train_x'], raw['train_y'], withlabel, ndim, scale, dtype),
            _preprocess(raw['test_x'], raw['test_y'], withlabel, ndim, scale, dtype))


def _preprocess(images, labels, withlabel, ndim, scale, dtype):
    images = images.reshape((-1, 3072) if ndim == 1 else (-1, 3, 32, 32)).astype(dtype)
    images *= scale / 255.
    if withlabel:
        return TupleDataset(images, labels.astype(numpy.int32))
    return images


def _check_cache(raw):
    for split in ('train', 'test'):
        x, y = raw[split + '_x'], raw[split + '_y']
        _remote.expect(x.ndim == 2 and x.shape[1] == 3072 and y.shape == (len(x),),
                       f'unexpected shapes {split}_x {x.shape}, {split}_y {y.shape}')


def _convert(name):
    archive_path = _REMOTE.ensure(name + '-python.tar.gz')
    train_members, test_member, label_key = _LAYOUT[name]
    try:
        with tarfile.open(archive_path, 'r:gz') as archive:
            train = [_read_batch(archive, m, label_key, archive_path) for m in train_members]
            test_x, test_y = _read_batch(archive, test_member, label_key, archive_path)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise CifarFormatError(f'{archive_path} is not a readable tar.gz archive ({e}); '
                               'delete it so that it is downloaded again') from None
    train_x = numpy.concatenate([x for x, _ in train])
    train_y = numpy.concatenate([y for _, y in train])
    for y, where in ((train_y, 'training'), (test_y, 'test')):
        if len(y) and y.max() >= _N_CLASSES[name]:
            raise CifarFormatError(f'{archive_path}: {where} labels must be below '
                                   f'{_N_CLASSES[name]}, found {y.max()}')
    return {'train_x': train_x, 'train_y': train_y, 'test_x': test_x, 'test_y': test_y}


def _read_batch(archive, member, label_key, archive_path):
    try:
        f = archive.extractfile(member)
    except KeyError:
        f = None
    if f is None:
        raise CifarFormatError(f'{archive_path} has no file {member}: not the CIFAR archive '
                               'expected')
    with f:
        d = _SafeUnpickler(io.BytesIO(f.read()), encoding='latin1').load()
    where = f'{archive_path}:{member}'
    if not isinstance(d, dict) or 'data' not in d or label_key not in d:
        raise CifarFormatError(f'{where}: expected a dict with "data" and "{label_key}"')
    x = numpy.asarray(d['data'])
    y = numpy.asarray(d[label_key])
    if x.dtype != numpy.uint8 or x.ndim != 2 or x.shape[1] != 3072 or y.shape != (len(x),):
        raise CifarFormatError(f'{where}: expected uint8 data of shape (N, 3072) and N '
                               f'labels, found {x.dtype} {x.shape} and {y.shape}')
    return x, y.astype(numpy.uint8)


class _SafeUnpickler(pickle.Unpickler):
    """Builds numpy arrays and plain Python values only; any other class is refused."""

    _ALLOWED = {('numpy.core.multiarray', '_reconstruct'),
                ('numpy._core.multiarray', '_reconstruct'),
                ('numpy', 'ndarray'), ('numpy', 'dtype'),
                ('_codecs', 'encode')}      # how protocol 2 writes bytes from Python 3

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f'the CIFAR pickle refers to {module}.{name}, which '
                                     'is not part of the CIFAR files; refusing to load it')

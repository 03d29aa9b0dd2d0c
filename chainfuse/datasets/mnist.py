"""`get_mnist`: the MNIST handwritten digits, downloaded once and cached as .npz.

How the data gets here (all under ``get_dataset_directory('mnist')``, i.e.
``$CHAINFUSE_DATASET_ROOT/mnist``, default ``~/.chainfuse/dataset/mnist``):

1. ``train.npz`` / ``test.npz`` (pixels ``x`` of shape (N, 784), labels ``y``, both
   uint8) are loaded when present.  A corrupt one is rebuilt with a warning.
2. Otherwise the two IDX files of the split are read from that directory.  A
   ``.gz`` file must match its digest in `CHECKSUMS`; an uncompressed copy
   (``train-images-idx3-ubyte``) is accepted too and checked only structurally.
3. Missing files are downloaded from the base URLs of `MIRRORS` (or the
   comma-separated ``$CHAINFUSE_MNIST_URL``), verified, renamed into place, parsed
   (`parse_idx`: magic number, big-endian dimensions, exact size) and written once
   as .npz, atomically.  Without network the first failed file stops everything
   with a `DownloadError` saying which files to put in which directory.

Fashion-MNIST and Kuzushiji-MNIST have the same four files and layout:
`IdxSet` is what the three share.
"""
import gzip
import os
import struct
import zlib

import numpy

from chainfuse.datasets import _remote
from chainfuse.datasets._preprocess import preprocess_images

FILES = {
    'train': ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
    'test': ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
}

# md5 (32 hex digits) or sha256 (64) of each file; tests substitute their own.
CHECKSUMS = {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
}

MIRRORS = [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
]

_IDX_TYPES = {0x08: 'u1', 0x09: 'i1', 0x0B: 'i2', 0x0C: 'i4', 0x0D: 'f4', 0x0E: 'f8'}


class IDXFormatError(ValueError):
    """A file that is not a well-formed IDX file (or not the MNIST file expected)."""


class IdxSet:
    """An MNIST-shaped data set: per split an IDX file of (N, 28, 28) uint8 images and
    one of N uint8 labels in ``0..n_classes-1``, cached as ``<split>.npz``."""

    def __init__(self, remote, n_classes=10):
        self.remote = remote
        self.n_classes = n_classes

    def get(self, withlabel, ndim, scale, dtype, label_dtype, rgb_format):
        """``(train, test)`` as `get_mnist` returns them."""
        dtype = _remote.image_dtype(dtype)
        return tuple(preprocess_images(raw['x'], raw['y'], 28, 255., withlabel, ndim, scale,
                                       dtype, label_dtype, rgb_format, self.remote.who)
                     for raw in (self.retrieve('train'), self.retrieve('test')))

    def retrieve(self, split):
        path = os.path.join(self.remote.directory(), split + '.npz')
        return _remote.load_or_build(path, lambda: self._convert(split), _check_cache,
                                     self.remote.who)

    def _convert(self, split):
        image_name, label_name = FILES[split]
        image_path = self.remote.ensure(image_name, [image_name[:-len('.gz')]])
        label_path = self.remote.ensure(label_name, [label_name[:-len('.gz')]])
        x = parse_idx(_read_bytes(image_path), image_path)
        y = parse_idx(_read_bytes(label_path), label_path)
        if x.dtype != numpy.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
            raise IDXFormatError(f'{image_path}: expected uint8 images of shape (N, 28, 28) '
                                 f'(IDX magic 0x00000803), found {x.dtype} of shape {x.shape}')
        if y.dtype != numpy.uint8 or y.ndim != 1:
            raise IDXFormatError(f'{label_path}: expected uint8 labels of shape (N,) (IDX '
                                 f'magic 0x00000801), found {y.dtype} of shape {y.shape}')
        if len(x) != len(y):
            raise IDXFormatError(f'{image_path} holds {len(x)} images but {label_path} holds '
                                 f'{len(y)} labels: the files do not belong together')
        if len(y) and y.max() >= self.n_classes:
            raise IDXFormatError(f'{label_path}: labels must be digits 0-{self.n_classes - 1}'
                                 f', found {y.max()}')
        return {'x': x.reshape(len(x), 784), 'y': y}


def _check_cache(raw):
    x, y = raw['x'], raw['y']
    _remote.expect(x.ndim == 2 and x.shape[1] == 784 and y.shape == (len(x),),
                   f'unexpected shapes x {x.shape}, y {y.shape}')


def mirror_urls(name):
    """The URLs tried for file `name`: ``$CHAINFUSE_MNIST_URL`` bases, else `MIRRORS`."""
    return _MNIST.remote.mirror_urls(name)


_MNIST = IdxSet(_remote.Remote('get_mnist', 'mnist', lambda: CHECKSUMS, lambda: MIRRORS,
                               'CHAINFUSE_MNIST_URL',
                               hint='chainfuse.datasets.get_digits() needs no download.'))


def get_mnist(withlabel=True, ndim=1, scale=1., dtype=None, label_dtype=numpy.int32,
              rgb_format=False):
    """Returns ``(train, test)``: 60,000 and 10,000 28x28 digits, as in Chainer.

    Args:
        withlabel (bool): (image, label) TupleDatasets if True, else image arrays.
        ndim (int): 1 -> images of shape (784,); 2 -> (28, 28); 3 -> (1, 28, 28).
        scale (float): pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images (None: ``config.dtype``, float32 by default);
            label_dtype: dtype of the labels.
        rgb_format (bool): with ndim=3, repeat the channel to get (3, 28, 28).

    See the module docstring for where the files come from and are cached.
    """
    return _MNIST.get(withlabel, ndim, scale, dtype, label_dtype, rgb_format)


def _read_bytes(path):
    if not path.endswith('.gz'):
        with open(path, 'rb') as f:
            return f.read()
    try:
        with gzip.open(path, 'rb') as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise IDXFormatError(f'{path} is not a valid gzip file ({e}); delete it so that it '
                             'is downloaded again') from None


def parse_idx(data, source='<bytes>'):
    """Decodes an IDX file (the format of the MNIST files) into a native-endian array.

    Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), the number of dimensions ``d``, then ``d`` big-endian
    uint32 sizes, then the elements, big-endian, in C order.  The data must have
    exactly the size the header announces.
    """
    if len(data) < 4:
        raise IDXFormatError(f'{source}: {len(data)} bytes are too few for an IDX header')
    magic = int.from_bytes(data[:4], 'big')
    code, ndim = data[2], data[3]
    if data[:2] != b'\x00\x00' or code not in _IDX_TYPES:
        raise IDXFormatError(f'{source}: bad magic number 0x{magic:08x}; an IDX file starts '
                             'with 0x0000TTDD (TT: element type 08/09/0B/0C/0D/0E, DD: number '
                             'of dimensions)')
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(f'{source}: truncated header: {ndim} dimensions need {header} '
                             f'bytes, the file has {len(data)}')
    dims = struct.unpack(f'>{ndim}I', data[4:header])
    dtype = numpy.dtype(_IDX_TYPES[code]).newbyteorder('>')
    count = int(numpy.prod(dims, dtype=numpy.int64))
    expected, actual = count * dtype.itemsize, len(data) - header
    if actual != expected:
        what = 'truncated' if actual < expected else 'trailing bytes after the data'
        raise IDXFormatError(f'{source}: the header announces shape {dims} ({expected} bytes '
                             f'of data) but the file has {actual} ({what})')
    array = numpy.frombuffer(data, dtype, count=count, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder('='))

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
"""
import gzip
import os
import struct
import warnings
import zipfile
import zlib

import numpy

from chainfuse import utils
from chainfuse.dataset import download
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
_CACHE_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class IDXFormatError(ValueError):
    """A file that is not a well-formed IDX file (or not the MNIST file expected)."""


def get_mnist(withlabel=True, ndim=1, scale=1., dtype=numpy.float32,
              label_dtype=numpy.int32, rgb_format=False):
    """Returns ``(train, test)``: 60,000 and 10,000 28x28 digits, as in Chainer.

    Args:
        withlabel (bool): (image, label) TupleDatasets if True, else image arrays.
        ndim (int): 1 -> images of shape (784,); 2 -> (28, 28); 3 -> (1, 28, 28).
        scale (float): pixels are scaled from 0..255 to ``[0, scale]``.
        dtype: dtype of the images; label_dtype: dtype of the labels.
        rgb_format (bool): with ndim=3, repeat the channel to get (3, 28, 28).

    See the module docstring for where the files come from and are cached.
    """
    def make(raw):
        return preprocess_images(raw['x'], raw['y'], 28, 255., withlabel, ndim, scale, dtype,
                                 label_dtype, rgb_format, 'get_mnist')
    return make(_retrieve('train')), make(_retrieve('test'))


def _retrieve(split):
    directory = download.get_dataset_directory('mnist')
    path = os.path.join(directory, split + '.npz')
    if os.path.exists(path):
        try:
            return _load_cache(path)
        except _CACHE_ERRORS as e:
            warnings.warn(f'get_mnist: the cache {path} cannot be read ({e}); rebuilding it '
                          'from the IDX files', RuntimeWarning, stacklevel=3)
    raw = _convert(split, directory)
    with utils.atomic_open(path, 'wb') as f:
        numpy.savez_compressed(f, x=raw['x'], y=raw['y'])
    return raw


def _load_cache(path):
    with numpy.load(path) as f:
        x, y = f['x'], f['y']
    if x.ndim != 2 or x.shape[1] != 784 or y.shape != (len(x),):
        raise ValueError(f'unexpected shapes x {x.shape}, y {y.shape}')
    return {'x': x, 'y': y}


def _convert(split, directory):
    image_name, label_name = FILES[split]
    image_path = _ensure_file(directory, image_name)
    label_path = _ensure_file(directory, label_name)
    x = parse_idx(_read_bytes(image_path), image_path)
    y = parse_idx(_read_bytes(label_path), label_path)
    if x.dtype != numpy.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
        raise IDXFormatError(f'{image_path}: expected uint8 images of shape (N, 28, 28) (IDX '
                             f'magic 0x00000803), found {x.dtype} of shape {x.shape}')
    if y.dtype != numpy.uint8 or y.ndim != 1:
        raise IDXFormatError(f'{label_path}: expected uint8 labels of shape (N,) (IDX magic '
                             f'0x00000801), found {y.dtype} of shape {y.shape}')
    if len(x) != len(y):
        raise IDXFormatError(f'{image_path} holds {len(x)} images but {label_path} holds '
                             f'{len(y)} labels: the files do not belong together')
    if len(y) and y.max() > 9:
        raise IDXFormatError(f'{label_path}: labels must be digits 0-9, found {y.max()}')
    return {'x': x.reshape(len(x), 784), 'y': y}


def _ensure_file(directory, name):
    """The local path of `name`: verified if present, else downloaded (see module doc)."""
    path = os.path.join(directory, name)
    if os.path.exists(path):
        try:
            download.verify_checksum(path, CHECKSUMS.get(name))
        except download.ChecksumError as e:
            raise download.ChecksumError(
                f'get_mnist: {e}. This is not the expected MNIST file: delete it to download '
                'it again, or replace it with the original file.') from None
        return path
    unpacked = path[:-len('.gz')]
    if os.path.exists(unpacked):
        return unpacked
    try:
        return download.download(mirror_urls(name), path, CHECKSUMS.get(name))
    except download.DownloadError as e:
        raise download.DownloadError(f'get_mnist: {e}\n{_where_to_put(directory)}') from None


def mirror_urls(name):
    """The URLs tried for file `name`: ``$CHAINFUSE_MNIST_URL`` bases, else `MIRRORS`."""
    env = os.environ.get('CHAINFUSE_MNIST_URL', '')
    bases = [b.strip() for b in env.split(',') if b.strip()] or MIRRORS
    return [b.rstrip('/') + '/' + name for b in bases]


def _where_to_put(directory):
    names = ', '.join(n for pair in FILES.values() for n in pair)
    return (f'Without network access, fetch the four MNIST files ({names}) elsewhere and put '
            f'them in {directory} (set CHAINFUSE_DATASET_ROOT to use another root directory, '
            'or CHAINFUSE_MNIST_URL to a reachable mirror). chainfuse.datasets.get_digits() '
            'needs no download.')


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

"""`ImageDataset` and `LabeledImageDataset`: images read from files on every access.

Each image becomes an array of shape ``(channels, height, width)`` (1 channel for
grey-scale, 3 for RGB) of ``dtype`` (``config.dtype``, float32, by default).
Images are decoded with Pillow, which is needed only here and imported on first
use; ``.npy`` files (arrays of shape (H, W) or (H, W, C)) are read with NumPy and
need no Pillow.
"""
import os

import numpy

from chainfuse.config import config
from chainfuse.dataset.dataset_mixin import DatasetMixin


def _open_with_pillow(name, source=None):
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(f'reading the image {name} needs Pillow: pip install Pillow '
                          '(.npy files need no Pillow)') from e
    return Image.open(name if source is None else source)


def read_image_as_array(path, dtype, name=None):
    """The pixels of `path` (or of the file object `path`, called `name`) as an (H, W)
    or (H, W, C) array of `dtype`."""
    if os.fspath(name if name is not None else path).endswith('.npy'):
        return numpy.load(path).astype(dtype, copy=False)
    image = _open_with_pillow(path if name is None else name, path)
    try:
        return numpy.asarray(image, dtype=dtype)
    finally:
        image.close()


def to_chw(image):
    if image.ndim == 2:
        return image[numpy.newaxis]
    return image.transpose(2, 0, 1)


def _read_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


class ImageDataset(DatasetMixin):
    """Images from a list of paths (or a text file with one path per line), under `root`."""

    def __init__(self, paths, root='.', dtype=None):
        self._paths = _read_lines(paths) if isinstance(paths, (str, os.PathLike)) else \
            list(paths)
        self._root = root
        self._dtype = numpy.dtype(config.dtype if dtype is None else dtype)

    def __len__(self):
        return len(self._paths)

    def get_example(self, i):
        path = os.path.join(self._root, self._paths[i])
        return to_chw(read_image_as_array(path, self._dtype))


class LabeledImageDataset(DatasetMixin):
    """(image, label) pairs from a list of ``(path, label)`` or a "path label" text file."""

    def __init__(self, pairs, root='.', dtype=None, label_dtype=numpy.int32):
        if isinstance(pairs, (str, os.PathLike)):
            pairs = parse_pairs(pairs)
        self._pairs = list(pairs)
        self._root = root
        self._dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self._label_dtype = label_dtype

    def __len__(self):
        return len(self._pairs)

    def get_example(self, i):
        path, label = self._pairs[i]
        image = read_image_as_array(os.path.join(self._root, path), self._dtype)
        return to_chw(image), numpy.array(label, dtype=self._label_dtype)


def parse_pairs(list_path):
    pairs = []
    with open(list_path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.split()
            if len(fields) != 2:
                raise ValueError(f'{list_path}, line {lineno}: expected "path label", got '
                                 f'{line.strip()!r}')
            try:
                pairs.append((fields[0], int(fields[1])))
            except ValueError:
                raise ValueError(f'{list_path}, line {lineno}: the label {fields[1]!r} is not '
                                 'an integer') from None
    return pairs

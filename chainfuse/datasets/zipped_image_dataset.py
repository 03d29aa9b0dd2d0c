"""Images read from zip archives: `ZippedImageDataset`, `LabeledZippedImageDataset`,
`MultiZippedImageDataset` (Chainer's names and arguments).

One archive replaces thousands of small files (kind to network file systems).  The
members are listed once (directories skipped, in archive order); ``dataset[i]`` reads
one member's bytes under a lock and decodes them as `ImageDataset` decodes a file
(Pillow, or NumPy for ``.npy`` members) into a ``(channels, height, width)`` array.
The open archive is not shared across processes: after a fork, or in an unpickled
copy, it is opened again on first use.
"""
import bisect
import io
import os
import threading
import zipfile

import numpy

from chainfuse.config import config
from chainfuse.dataset.dataset_mixin import DatasetMixin
from chainfuse.datasets.image_dataset import parse_pairs, read_image_as_array, to_chw


class ZippedImageDataset(DatasetMixin):
    """The images in the zip archive `zipfilename`, as arrays of `dtype` (None:
    ``config.dtype``).  ``dataset[i]`` is the i-th member; ``get_example(name)`` reads a
    member by its name."""

    def __init__(self, zipfilename, dtype=None):
        self._zipfilename = zipfilename
        self._dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self._zf = zipfile.ZipFile(zipfilename)
        self._zf_pid = os.getpid()
        self._paths = [n for n in self._zf.namelist() if not n.endswith('/')]
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._paths)

    def __getstate__(self):
        state = self.__dict__.copy()
        state['_zf'] = state['_lock'] = None
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self._lock = threading.Lock()

    def get_example(self, i_or_name):
        name = i_or_name if isinstance(i_or_name, str) else self._paths[i_or_name]
        with self._lock:
            if self._zf is None or self._zf_pid != os.getpid():
                self._zf, self._zf_pid = zipfile.ZipFile(self._zipfilename), os.getpid()
            try:
                data = self._zf.read(name)
            except KeyError:
                raise KeyError(f'ZippedImageDataset: {self._zipfilename} has no member '
                               f'{name!r}') from None
        return to_chw(read_image_as_array(io.BytesIO(data), self._dtype, name=name))


class LabeledZippedImageDataset(DatasetMixin):
    """(image, label) pairs: `labelfilename` lists "member label" per line (the format
    of `LabeledImageDataset`'s list), the images are members of `zipfilename`."""

    def __init__(self, zipfilename, labelfilename, dtype=None, label_dtype=numpy.int32):
        self._pairs = parse_pairs(labelfilename)
        self._label_dtype = label_dtype
        self._images = ZippedImageDataset(zipfilename, dtype=dtype)

    def __len__(self):
        return len(self._pairs)

    def get_example(self, i):
        name, label = self._pairs[i]
        return self._images.get_example(name), numpy.array(label, dtype=self._label_dtype)


class MultiZippedImageDataset(DatasetMixin):
    """The images of several archives, one after another."""

    def __init__(self, zipfilenames, dtype=None):
        self._parts = [ZippedImageDataset(name, dtype) for name in zipfilenames]
        self._starts = [0]
        for part in self._parts:
            self._starts.append(self._starts[-1] + len(part))

    def __len__(self):
        return self._starts[-1]

    def get_example(self, i):
        if not 0 <= i < len(self):
            raise IndexError(f'MultiZippedImageDataset index {i} out of range for length '
                             f'{len(self)}')
        k = bisect.bisect_right(self._starts, i) - 1
        return self._parts[k].get_example(i - self._starts[k])

"""HDF5 files through h5py (optional): `save_hdf5`/`load_hdf5`, `HDF5Serializer` and
`HDF5Deserializer`.

The layout is Chainer's: a child object is an HDF5 group, a value a dataset (None as an
empty dataset, strings as UTF-8 bytes).  Saving is atomic and loading is checked as
for NPZ files (`chainfuse.serializers.npz`).  Without h5py every entry point raises
an ImportError that says how to install it.
"""
import os

import numpy

from chainfuse import serializer
from chainfuse.serializers._common import (
    SerializationError, assign, atomic_path, check_unused, ignored, missing_key, to_host,
    validate)

try:
    import h5py
    _available = True
except ImportError:  # pragma: no cover - depends on the environment
    h5py = None
    _available = False


def _check_available(what):
    if not _available:
        raise ImportError(f'{what} needs h5py, which is not installed: pip install h5py '
                          '(or use save_npz/load_npz, which need nothing extra)')


class HDF5Serializer(serializer.Serializer):
    """Writes the values of an object into an h5py group.

    Args:
        group (h5py.Group): the group this serializer writes into.
        compression (int): gzip level for datasets of more than one element.
    """

    def __init__(self, group, compression=4):
        _check_available('HDF5Serializer')
        self.group = group
        self.compression = compression

    def __getitem__(self, key):
        name = self.group.name.rstrip('/') + '/' + key.strip('/')
        return HDF5Serializer(self.group.require_group(name), self.compression)

    def __call__(self, key, value):
        if value is None:
            self.group.create_dataset(key, data=h5py.Empty('f'))
            return value
        if isinstance(value, str):
            self.group.create_dataset(key, data=numpy.bytes_(value.encode('utf-8')))
            return value
        arr = to_host(value)
        compression = None if arr.size <= 1 else self.compression
        self.group.create_dataset(key, data=arr, compression=compression)
        return value


def save_hdf5(filename, obj, compression=4):
    """Saves `obj` to an HDF5 file (atomically: a temporary file renamed over it)."""
    _check_available('save_hdf5')
    with atomic_path(filename) as tmp:
        with h5py.File(tmp, 'w') as f:
            HDF5Serializer(f, compression=compression).save(obj)


class _Visits:
    def __init__(self, root):
        self.keys = set()
        root.visititems(lambda name, item: self.keys.add(name)
                        if isinstance(item, h5py.Dataset) else None)
        self.visited = set()


class HDF5Deserializer(serializer.Deserializer):
    """Loads values from an h5py group into an object (see `NpzDeserializer` for the
    meaning of `strict`, `ignore_names` and `dry_run`, and for the atomic `load`;
    `path` is the group path within the file)."""

    def __init__(self, group, path='', strict=True, ignore_names=None, _visits=None,
                 _prefix='', dry_run=False):
        _check_available('HDF5Deserializer')
        self.group = group
        self.path = path
        self.strict = strict
        self.ignore_names = ignore_names
        self.dry_run = dry_run
        self._visits = _visits if _visits is not None else _Visits(group)
        self._prefix = _prefix

    def __getitem__(self, key):
        key = key.strip('/')
        return HDF5Deserializer(self.group, self.path + key + '/', self.strict,
                                self.ignore_names, self._visits, self._prefix, self.dry_run)

    def __call__(self, key, value):
        return self._load(key, value, self.dry_run)

    def stored(self, key, value):
        return self._load(key, value, dry=False)

    def _load(self, key, value, dry):
        key = self.path + key.lstrip('/')
        visits = self._visits
        if ignored(self.ignore_names, key):
            visits.visited.add(key)
            return value
        if key not in visits.keys:
            if not self.strict:
                return value
            raise missing_key('load_hdf5', key, visits.keys, self.path)
        visits.visited.add(key)
        dataset = self.group[key]
        if dataset.shape is None:  # h5py.Empty: a None was saved
            return value if dry else None
        data = dataset[()]
        if isinstance(data, bytes):
            data = numpy.asarray(data.decode('utf-8'))
        if dry:
            validate('load_hdf5', key, value, numpy.asarray(data), self.strict)
            return value
        return assign('load_hdf5', key, value, numpy.asarray(data), self.strict)

    def load(self, obj):
        """Checks every entry (a dry run), then loads `obj` (see `NpzDeserializer.load`)."""
        passes = (True,) if self.dry_run else (True, False)
        for dry in passes:
            visits = _Visits(self.group)
            d = HDF5Deserializer(self.group, self.path, self.strict, self.ignore_names,
                                 visits, self._prefix, dry_run=dry)
            obj.serialize(d)
            if self.strict:
                check_unused('load_hdf5', visits.keys, visits.visited, self.path)


def load_hdf5(filename, obj, path='', strict=True, ignore_names=None):
    """Loads `obj` from an HDF5 file written by `save_hdf5` (or Chainer's)."""
    _check_available('load_hdf5')
    name = repr(os.fspath(filename))
    try:
        f = h5py.File(filename, 'r')
    except FileNotFoundError:
        raise
    except OSError as e:
        if not os.path.exists(filename):
            raise FileNotFoundError(f'load_hdf5: no such file {name}') from None
        raise SerializationError(f'load_hdf5: {name} is not a readable HDF5 file ({e})') \
            from None
    with f:
        HDF5Deserializer(f, path=path, strict=strict, ignore_names=ignore_names).load(obj)

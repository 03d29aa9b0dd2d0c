"""NPZ files: `save_npz`/`load_npz`, `DictionarySerializer` and `NpzDeserializer`.

``save_npz(file, obj)`` walks ``obj.serialize`` with a `DictionarySerializer`, which
collects a flat dict ``{'predictor/l1/W': array, ...}``, and writes it as an NPZ
archive (one ``<key>.npy`` member per entry, as ``numpy.savez`` does) to a temporary
file that is renamed over `file` once complete.  ``load_npz(file, obj)`` walks
``obj.serialize`` with an `NpzDeserializer`, which copies each entry into the
object's existing arrays.  The layout is Chainer's, so files move between the two.

Loading is atomic: every entry is checked (a dry run of ``obj.serialize``) before any is
assigned, so a file that fails to load leaves the object unchanged.  The checks: a
missing entry raises `MissingKeyError` (a KeyError), a shape
mismatch or an entry of the file that the object never asked for raises
`SerializationError` naming the key (``strict=False`` skips the former with a warning
and allows the others), and a file that is not a readable NPZ archive raises
`SerializationError` saying so.  Files are read with ``allow_pickle=False``: an entry
holding a pickled None (how Chainer saves an uninitialized parameter) loads as None;
no pickle is ever executed.
"""
import os
import zipfile

import numpy
from numpy.lib import format as npy_format

from chainfuse import serializer
from chainfuse.serializers._common import (
    SerializationError, assign, atomic_path, check_unused, ignored, missing_key, to_host,
    validate)


class DictionarySerializer(serializer.Serializer):
    """Collects the values of an object into a flat dict keyed by path.

    Args:
        target (dict): the dict to fill (a new one by default).
        path (str): the path of the object this serializer stands for.

    NumPy arrays are stored without copying; CuPy arrays are copied to the host.
    """

    def __init__(self, target=None, path=''):
        self.target = {} if target is None else target
        self.path = path

    def __getitem__(self, key):
        key = key.strip('/')
        return DictionarySerializer(self.target, self.path + key + '/')

    def __call__(self, key, value):
        key = key.lstrip('/')
        self.target[self.path + key] = to_host(value)
        return value


def _write_npz(f, target, compression):
    mode = zipfile.ZIP_DEFLATED if compression else zipfile.ZIP_STORED
    with zipfile.ZipFile(f, mode='w', compression=mode, allowZip64=True) as zf:
        for key, arr in target.items():
            with zf.open(key + '.npy', 'w', force_zip64=True) as member:
                npy_format.write_array(member, numpy.asanyarray(arr), allow_pickle=True)


def save_npz(file, obj, compression=True):
    """Saves `obj` (a Link, an Optimizer, a Trainer...) to `file` in NPZ format.

    Args:
        file: a path (written atomically: a temporary file renamed over it) or a
            writable binary file object.  No ``.npz`` suffix is appended.
        obj: anything with ``serialize(serializer)``.
        compression (bool): deflate the archive members.
    """
    s = DictionarySerializer()
    s.save(obj)
    if not isinstance(file, (str, bytes, os.PathLike)):
        _write_npz(file, s.target, compression)
        return
    with atomic_path(file) as tmp:
        with open(tmp, 'wb') as f:
            _write_npz(f, s.target, compression)
            f.flush()
            os.fsync(f.fileno())


class _Source:
    """The open archive being loaded, shared by a deserializer and its children."""

    def __init__(self, npz, name):
        self.npz = npz
        self.name = name
        self.keys = set(npz.files if hasattr(npz, 'files') else npz.keys())
        self.visited = set()

    def read(self, key):
        try:
            return self.npz[key]
        except ValueError as e:
            if 'allow_pickle' in str(e) and self._is_empty_object(key):
                return None
            raise SerializationError(f'load_npz: cannot read {key!r} from {self.name}: {e}')
        except Exception as e:  # BadZipFile, zlib.error, EOFError, OSError...
            raise SerializationError(f'load_npz: entry {key!r} of {self.name} is corrupt '
                                     f'({type(e).__name__}: {e})') from None

    def _is_empty_object(self, key):
        """True for a 0-d object array (Chainer's None), judged from the header alone."""
        zf = getattr(self.npz, 'zip', None)
        if zf is None:
            return False
        with zf.open(key + '.npy') as f:
            version = npy_format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = npy_format.read_array_header_1_0(f)
            else:
                shape, _, dtype = npy_format.read_array_header_2_0(f)
        return shape == () and dtype.hasobject


class NpzDeserializer(serializer.Deserializer):
    """Loads values from an NPZ archive (or a dict of arrays) into an object.

    Args:
        npz: an open ``numpy.load`` result (NpzFile) or a dict of arrays.
        path (str): the path of the object this deserializer stands for.
        strict (bool): raise on missing entries, shape mismatches and entries the
            object does not read; False skips or allows them.
        ignore_names: a key, a callable ``key -> bool``, or a list of them: matching
            entries are neither read nor required.
        dry_run (bool): only check the entries (see `chainfuse.serializer.Deserializer`).

    `load` is atomic: a dry run checks every entry first, so a file that fails to load
    leaves the object as it was.
    """

    def __init__(self, npz, path='', strict=True, ignore_names=None, _source=None,
                 dry_run=False):
        self.npz = npz
        self.path = path
        self.strict = strict
        self.ignore_names = ignore_names
        self.dry_run = dry_run
        self._source = _source if _source is not None else _Source(npz, 'the archive')

    def __getitem__(self, key):
        key = key.strip('/')
        return NpzDeserializer(self.npz, self.path + key + '/', self.strict,
                               self.ignore_names, self._source, self.dry_run)

    def __call__(self, key, value):
        return self._load(key, value, self.dry_run)

    def stored(self, key, value):
        return self._load(key, value, dry=False)

    def _load(self, key, value, dry):
        key = self.path + key.lstrip('/')
        src = self._source
        if ignored(self.ignore_names, key):
            src.visited.add(key)
            return value
        if key not in src.keys:
            if not self.strict:
                return value
            raise missing_key('load_npz', key, src.keys, self.path)
        src.visited.add(key)
        data = src.read(key)
        if dry:
            validate('load_npz', key, value, data, self.strict)
            return value
        if data is None:
            return None
        return assign('load_npz', key, value, data, self.strict)

    def load(self, obj):
        """Checks every entry (a dry run), then loads `obj`; when strict, each pass also
        checks that every entry under the path was read."""
        passes = (True,) if self.dry_run else (True, False)
        for dry in passes:
            source = _Source(self.npz, self._source.name)
            d = NpzDeserializer(self.npz, self.path, self.strict, self.ignore_names, source,
                                dry_run=dry)
            obj.serialize(d)
            if self.strict:
                check_unused('load_npz', source.keys, source.visited, self.path)


def _open_npz(file):
    name = repr(os.fspath(file)) if isinstance(file, (str, bytes, os.PathLike)) else \
        'the given file object'
    try:
        npz = numpy.load(file, allow_pickle=False)
    except FileNotFoundError:
        raise
    except Exception as e:
        raise SerializationError(f'load_npz: {name} is not a readable NPZ file '
                                 f'({type(e).__name__}: {e}); was it written by save_npz, '
                                 'and was the save completed?') from None
    if not isinstance(npz, numpy.lib.npyio.NpzFile):
        raise SerializationError(f'load_npz: {name} holds a single .npy array, not an NPZ '
                                 'archive written by save_npz')
    return npz, name


def load_npz(file, obj, path='', strict=True, ignore_names=None):
    """Loads `obj` from an NPZ file written by `save_npz` (or Chainer's).

    Args:
        file: a path or a readable binary file object.
        obj: anything with ``serialize(serializer)``; its arrays are filled in place.
        path (str): load from this sub-path of the file (``'updater/model:main/'`` to
            take a model out of a trainer snapshot).
        strict (bool): see `NpzDeserializer`.
        ignore_names: entries to skip (see `NpzDeserializer`).
    """
    npz, name = _open_npz(file)
    with npz:
        d = NpzDeserializer(npz, path=path, strict=strict, ignore_names=ignore_names,
                            _source=_Source(npz, name))
        d.load(obj)

"""What every downloaded data set shares: its files, their mirrors and checksums, and a cache.

A data set (`get_mnist`, `get_cifar10`, ...) is a `Remote`: the directory it lives in
under the dataset root (``get_dataset_directory(name)``), the files it is built from
with their md5/sha256 digests, the base URLs of its mirrors, and the environment
variable (``CHAINFUSE_<NAME>_URL``, comma-separated base URLs) that replaces them.

`Remote.ensure(file)` returns the local path of one file:

1. a file already in the directory is used if its digest matches (a mismatch is a
   `ChecksumError` telling the user to delete or replace it, never silently used);
2. otherwise each mirror is tried in turn by `chainfuse.dataset.download.download`
   (bounded waits, the bytes verified before they are renamed into place);
3. when every mirror fails, `DownloadError` lists the URLs and their errors and says
   which files to put in which directory to work offline.

`load_or_build(path, build, check, who)` keeps the parsed arrays as one .npz beside
the files: loaded when present and sound, rebuilt with a warning when corrupt, and
written atomically, so later calls need neither the network nor the raw files.
"""
import os
import warnings
import zipfile

import numpy

from chainfuse import utils
from chainfuse.dataset import download

_CACHE_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


class Remote:
    """The files of one downloaded data set (see the module docstring).

    Args:
        who (str): the public function, for messages (``'get_cifar10'``).
        directory (str): its directory below the dataset root (``'cifar'``).
        checksums: ``{file name: md5 or sha256}``, or a function returning it (read
            at every call, so tests may substitute their own).
        mirrors: base URLs, or a function returning them.
        env_var (str): the variable whose comma-separated base URLs replace `mirrors`.
        hint (str): a last sentence for the offline error (an alternative data set).
    """

    def __init__(self, who, directory, checksums, mirrors, env_var, hint=''):
        self.who = who
        self.hint = hint
        self.directory_name = directory
        self._checksums = checksums
        self._mirrors = mirrors
        self.env_var = env_var

    @property
    def checksums(self):
        return self._checksums() if callable(self._checksums) else self._checksums

    @property
    def mirrors(self):
        return self._mirrors() if callable(self._mirrors) else self._mirrors

    def directory(self):
        return download.get_dataset_directory(self.directory_name)

    def mirror_urls(self, name):
        """The URLs tried for file `name`: the environment variable's bases, else mirrors."""
        env = os.environ.get(self.env_var, '')
        bases = [b.strip() for b in env.split(',') if b.strip()] or self.mirrors
        return [b.rstrip('/') + '/' + name for b in bases]

    def ensure(self, name, alternatives=()):
        """The verified local path of file `name`, downloaded if missing.

        `alternatives` are other local names accepted as they are when present (an
        unpacked copy of a .gz file), checked only by the parser that reads them.
        """
        directory = self.directory()
        path = os.path.join(directory, name)
        checksum = self.checksums.get(name)
        if os.path.exists(path):
            try:
                download.verify_checksum(path, checksum)
            except download.ChecksumError as e:
                raise download.ChecksumError(
                    f'{self.who}: {e}. This is not the expected file: delete it to download '
                    'it again, or replace it with the original file.') from None
            return path
        for other in alternatives:
            if os.path.exists(os.path.join(directory, other)):
                return os.path.join(directory, other)
        try:
            return download.download(self.mirror_urls(name), path, checksum)
        except download.DownloadError as e:
            raise download.DownloadError(f'{self.who}: {e}\n{self.where_to_put()}') from None

    def where_to_put(self):
        names = ', '.join(sorted(self.checksums))
        return (f'Without network access, fetch the files ({names}) elsewhere and put them '
                f'in {self.directory()} (set CHAINFUSE_DATASET_ROOT to use another root '
                f'directory, or {self.env_var} to the base URL of a reachable mirror).')


def load_or_build(path, build, check, who):
    """The arrays cached in the .npz `path`, or ``build()``'s, cached atomically.

    ``check(arrays)`` raises ValueError when a loaded cache has the wrong shapes; a
    cache that cannot be read or fails the check is rebuilt with a RuntimeWarning.
    """
    if os.path.exists(path):
        try:
            with numpy.load(path) as f:
                arrays = {k: f[k] for k in f.files}
            check(arrays)
            return arrays
        except _CACHE_ERRORS as e:
            warnings.warn(f'{who}: the cache {path} cannot be read ({e}); rebuilding it '
                          'from the downloaded files', RuntimeWarning, stacklevel=3)
    arrays = build()
    with utils.atomic_open(path, 'wb') as f:
        numpy.savez_compressed(f, **arrays)
    return arrays


def expect(condition, message):
    """Raises ValueError(message) unless `condition` (for `check` functions)."""
    if not condition:
        raise ValueError(message)


def image_dtype(dtype):
    """Chainer's ``dtype=None``: the configured default (``config.dtype``)."""
    if dtype is None:
        from chainfuse.config import config
        dtype = config.dtype
    return numpy.dtype(dtype)

"""Where datasets are cached, and downloads that verify and never hang.

The cache root is ``$CHAINFUSE_DATASET_ROOT`` (read on every call), else
``~/.chainfuse/dataset``; `set_dataset_root` overrides both.  Each dataset uses a
directory below it (`get_dataset_directory('mnist')`).

`download` tries a list of URLs in turn.  Each attempt must get a response within
``timeout`` seconds (name lookup included: the request runs in a helper thread
the caller stops waiting for), and each read must make progress within
``timeout``.  The bytes go to a temporary file beside the target, are checked
against an md5 or sha256 digest, and only then renamed into place, so the cache
never holds a partial or unverified file.  When every URL fails, `DownloadError`
lists each URL with its error.
"""
import hashlib
import os
import shutil
import tempfile
import threading

from chainfuse import utils

DOWNLOAD_TIMEOUT = 10.0  # seconds to connect, and at most between two reads
_CHUNK = 1 << 16

_dataset_root = None


class DownloadError(RuntimeError):
    """A file could not be fetched from any of its URLs."""


class ChecksumError(ValueError):
    """A file's digest differs from the expected one."""


def get_dataset_root():
    """The directory under which datasets are cached (see the module docstring)."""
    if _dataset_root is not None:
        return _dataset_root
    env = os.environ.get('CHAINFUSE_DATASET_ROOT')
    if env:
        return os.path.expanduser(env)
    return os.path.join(os.path.expanduser('~'), '.chainfuse', 'dataset')


def set_dataset_root(path):
    """Sets the cache root (None goes back to the environment variable / default)."""
    global _dataset_root
    _dataset_root = None if path is None else os.fspath(path)


def get_dataset_directory(dataset_name, create_directory=True):
    """``<root>/<dataset_name>``, created unless ``create_directory=False``."""
    path = os.path.join(get_dataset_root(), dataset_name)
    if create_directory:
        os.makedirs(path, exist_ok=True)
    return path


def cache_or_load_file(path, creator, loader):
    """Loads `path` with ``loader(path)``; if it is missing, builds it first.

    ``creator(tmp_path)`` writes the file at a temporary path in the same directory
    and returns the content; the file is then renamed to `path` atomically, so
    concurrent or interrupted runs never see half a file.
    """
    if os.path.exists(path):
        return loader(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp_dir = tempfile.mkdtemp(prefix='.tmp-', dir=directory)
    try:
        tmp_path = os.path.join(tmp_dir, os.path.basename(path))
        content = creator(tmp_path)
        os.replace(tmp_path, path)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return content


def cached_download(url, timeout=None):
    """Downloads `url` once into ``<root>/_dl_cache`` and returns the local path."""
    cache_dir = get_dataset_directory('_dl_cache')
    path = os.path.join(cache_dir, hashlib.md5(url.encode('utf-8')).hexdigest())
    if not os.path.exists(path):
        download([url], path, timeout=timeout)
    return path


def file_digest(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(_CHUNK), b''):
            h.update(block)
    return h.hexdigest()


def checksum_algorithm(expected):
    """'md5' for a 32-digit hex digest, 'sha256' for a 64-digit one."""
    algorithms = {32: 'md5', 64: 'sha256'}
    if len(expected) not in algorithms:
        raise ValueError(f'a checksum must be an md5 (32 hex digits) or sha256 (64 hex '
                         f'digits) digest, got {expected!r}')
    return algorithms[len(expected)]


def verify_checksum(path, expected):
    """Raises ChecksumError unless the file's md5/sha256 digest is `expected` (None: skip)."""
    if expected is None:
        return
    algorithm = checksum_algorithm(expected)
    actual = file_digest(path, algorithm)
    if actual != expected.lower():
        raise ChecksumError(f'{path}: {algorithm} is {actual}, expected {expected}')


def download(urls, path, checksum=None, timeout=None):
    """Fetches the first URL of `urls` that works into `path` (see the module docstring).

    Returns `path`.  Raises DownloadError naming every URL tried and its error.
    """
    timeout = DOWNLOAD_TIMEOUT if timeout is None else timeout
    errors = []
    for url in urls:
        try:
            with utils.atomic_path(path, suffix='.part') as tmp:
                _fetch(url, tmp, timeout)
                verify_checksum(tmp, checksum)
            return path
        except Exception as e:  # any failure: try the next URL
            errors.append(f'{url}: {type(e).__name__}: {e}')
    tried = '\n  '.join(errors) if errors else '(no URL given)'
    raise DownloadError(f'could not download {os.path.basename(path)}; tried:\n  {tried}')


def _fetch(url, tmp_path, timeout):
    response = _open_within(url, timeout)
    with response, open(tmp_path, 'wb') as out:
        for block in iter(lambda: response.read(_CHUNK), b''):
            out.write(block)


def _open_within(url, timeout):
    """``urlopen(url)``, giving up after `timeout` (+1 s) even while the name lookup hangs."""
    import urllib.request  # imported on first download only: it pulls in ssl and http
    result = {}

    def target():
        try:
            result['response'] = urllib.request.urlopen(url, timeout=timeout)
        except BaseException as e:  # handed to the caller
            result['error'] = e

    thread = threading.Thread(target=target, name='chainfuse-download', daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    if thread.is_alive():
        raise TimeoutError(f'no response within {timeout:g} s')
    if 'error' in result:
        raise result['error']
    return result['response']

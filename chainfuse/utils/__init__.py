"""Small shared utilities: atomic file writes.

Every file the package writes atomically goes through `atomic_path`: a temporary
file beside the target (``tempfile.mkstemp``, so its name is unique), written,
given the permissions a plain ``open(path, 'w')`` would give (``0o666 & ~umask``;
mkstemp alone leaves 0600), then renamed over the target with ``os.replace``.  An
interrupted write never leaves a truncated file at the target, and a failed one
leaves any existing file untouched and no temporary file behind.
"""
import contextlib
import os
import tempfile


def _umask():
    """The process's umask, read without changing it where /proc allows."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def default_file_mode():
    """The mode ``open(path, 'w')`` gives a new file: 0o666 less the umask."""
    return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(path, suffix='.tmp'):
    """Yields a temporary path beside `path`; on success renames it over `path`.

    The caller writes the temporary file by name (``numpy.savez``, ``savefig``...).
    The directory of `path` is created if needed.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix=suffix,
                               dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_open(path, mode='w', **kw):
    """Opens a temporary file beside `path` (see `atomic_path`) and yields the file;
    on success it is flushed to disk and renamed over `path`."""
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())


def atomic_write(path, text):
    """Writes `text` (UTF-8) to `path` atomically."""
    with atomic_open(path, 'w', encoding='utf-8') as f:
        f.write(text)


# ---- Chainer's chainer.utils names ----
import shutil  # noqa: E402

from chainfuse.utils.array import force_array, force_type, size_of_shape, sum_to  # noqa
from chainfuse.utils.conv import get_conv_outsize, get_deconv_outsize  # noqa: F401,E402
from chainfuse.utils.experimental import experimental  # noqa: F401,E402
from chainfuse.utils.meta import enable_final, final  # noqa: F401,E402
from chainfuse.utils.nondeterministic import nondeterministic  # noqa: F401,E402
from chainfuse.utils.sparse import CooMatrix, get_order, to_coo  # noqa: F401,E402
from chainfuse.utils.walker_alias import WalkerAlias  # noqa: F401,E402


@contextlib.contextmanager
def tempdir(**kwargs):
    """A temporary directory (``tempfile.mkdtemp(**kwargs)``), removed after the block
    (``ignore_errors=True``: removal errors are ignored)."""
    ignore_errors = kwargs.pop('ignore_errors', False)
    path = tempfile.mkdtemp(**kwargs)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=ignore_errors)

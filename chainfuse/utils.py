"""Small shared utilities: atomic file writes."""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_open(path, mode='w', **kw):
    """Opens a temporary file beside `path`; on success renames it over `path`.

    An interrupted write never leaves a truncated file at `path`.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp',
                               dir=directory)
    try:
        with os.fdopen(fd, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path, text):
    with atomic_open(path, 'w', encoding='utf-8') as f:
        f.write(text)

"""`PickleDataset`: examples pickled one after another into one file, read at random.

`PickleDatasetWriter.write(example)` appends ``pickle.dump(example)``; opening the file
as a `PickleDataset` scans it once, remembering where each pickle starts, and
``dataset[i]`` seeks there and unpickles one example.  Reads are serialized by a lock
(threads share the file position); a forked worker (MultiprocessIterator) reopens the
file, since a file description shared across processes shares its position too.

Unpickling runs code named by the file: open only files you or a trusted program wrote.
"""
import io
import multiprocessing.util
import pickle
import threading

from chainfuse.dataset.dataset_mixin import DatasetMixin


class PickleDatasetWriter:
    """Appends examples to `writer` (a binary file object with ``write``/``tell``)."""

    def __init__(self, writer, protocol=pickle.HIGHEST_PROTOCOL):
        self._writer = writer
        self._protocol = protocol
        self._positions = []

    def write(self, x):
        """Pickles the example `x` at the end of the file."""
        self._positions.append(self._writer.tell())
        pickle.dump(x, self._writer, protocol=self._protocol)

    def flush(self):
        if hasattr(self._writer, 'flush'):
            self._writer.flush()

    def close(self):
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PickleDataset(DatasetMixin):
    """The examples of a file written by `PickleDatasetWriter`; `reader` must be seekable."""

    def __init__(self, reader):
        if not reader.seekable():
            raise ValueError('PickleDataset: the reader must support random access (seek); '
                             f'{type(reader).__name__} does not')
        self._reader = reader
        self._positions = []
        reader.seek(0)
        while True:
            position = reader.tell()
            try:
                pickle.load(reader)
            except EOFError:
                break
            self._positions.append(position)
        self._lock = threading.RLock()
        multiprocessing.util.register_after_fork(self, PickleDataset._after_fork)

    def _after_fork(self):
        reopen = getattr(self._reader, 'after_fork', None)
        if callable(reopen):
            reopen()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state['_lock']
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()
        multiprocessing.util.register_after_fork(self, PickleDataset._after_fork)

    def __len__(self):
        return len(self._positions)

    def get_example(self, i):
        with self._lock:
            self._reader.seek(self._positions[i])
            return pickle.load(self._reader)

    def close(self):
        with self._lock:
            self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Reopening(io.RawIOBase):
    """A binary file that reopens itself after a fork and when unpickled."""

    def __init__(self, path):
        super().__init__()
        self._path = path
        self._fp = open(path, 'rb')

    def after_fork(self):
        self._fp.close()
        self._fp = open(self._path, 'rb')

    def __getstate__(self):
        return {'_path': self._path}

    def __setstate__(self, state):
        self._path = state['_path']
        self._fp = open(self._path, 'rb')

    def close(self):
        self._fp.close()
        super().close()

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return self._fp.seek(offset, whence)

    def tell(self):
        return self._fp.tell()

    def readinto(self, b):
        return self._fp.readinto(b)

    def fileno(self):
        return self._fp.fileno()


def open_pickle_dataset(path):
    """A `PickleDataset` of the file `path` (close it, or use ``with``)."""
    return PickleDataset(_Reopening(path))


def open_pickle_dataset_writer(path, protocol=pickle.HIGHEST_PROTOCOL):
    """A `PickleDatasetWriter` writing the file `path` (close it, or use ``with``)."""
    return PickleDatasetWriter(open(path, 'wb'), protocol=protocol)

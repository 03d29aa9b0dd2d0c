"""`TextDataset`: the lines of one text file, or the aligned lines of several, by index.

The files are scanned once when the dataset is made: where every line starts in
each file (``tell()`` after each ``readline()``) and, with `filter_func`, which line
numbers are kept.  ``dataset[i]`` seeks to the ``i``-th kept line and reads it (with
its newline), as a string, or as a tuple of strings with several files.  The files
must not change afterwards.  A lock serializes reads from threads; unpickling (a
worker process) reopens the files.
"""
import io
import threading

from chainfuse.dataset.dataset_mixin import DatasetMixin


def _per_file(option, n, name):
    if option is None or isinstance(option, str):
        return [option] * n
    option = list(option)
    if len(option) != n:
        raise ValueError(f'TextDataset: {name} gives {len(option)} values for {n} files')
    return option


class TextDataset(DatasetMixin):
    """Lines of text file(s) (see the module docstring).

    Args:
        paths (str or list of str): one file (examples are strings) or several with
            the same number of lines (examples are tuples).
        encoding, errors, newline: as for `open`, one value or one per file.
        filter_func: ``filter_func(*lines) -> bool``; only lines it accepts are kept.
    """

    def __init__(self, paths, encoding=None, errors=None, newline=None, filter_func=None):
        if isinstance(paths, str):
            paths = [paths]
        elif not paths:
            raise ValueError('TextDataset: at least one text file must be given')
        self._paths = list(paths)
        n = len(self._paths)
        self._options = list(zip(_per_file(encoding, n, 'encoding'),
                                 _per_file(errors, n, 'errors'),
                                 _per_file(newline, n, 'newline')))
        self._open()
        self._bounds = [[0] for _ in self._fps]
        lines, count = [], 0
        while True:
            texts = [fp.readline() for fp in self._fps]
            if not all(texts):
                if any(texts):
                    raise ValueError(f'TextDataset: the files {self._paths} do not have the '
                                     f'same number of lines (one ends after line {count})')
                break
            for bounds, fp in zip(self._bounds, self._fps):
                bounds.append(fp.tell())
            if filter_func is None or filter_func(*texts):
                lines.append(count)
            count += 1
        self._lines = lines
        self._lock = threading.Lock()

    def _open(self):
        self._fps = [io.open(p, 'rt', encoding=e, errors=r, newline=nl)
                     for p, (e, r, nl) in zip(self._paths, self._options)]

    def __getstate__(self):
        state = self.__dict__.copy()
        del state['_fps'], state['_lock']
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self._open()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._lines)

    def get_example(self, i):
        if not 0 <= i < len(self._lines):
            raise IndexError(f'TextDataset index {i} out of range for {len(self._lines)} '
                             'lines')
        number = self._lines[i]
        with self._lock:
            texts = []
            for bounds, fp in zip(self._bounds, self._fps):
                fp.seek(bounds[number])
                texts.append(fp.readline())
        return texts[0] if len(texts) == 1 else tuple(texts)

    def close(self):
        """Closes the files (they also close when the dataset is garbage-collected)."""
        for fp in self._fps:
            fp.close()

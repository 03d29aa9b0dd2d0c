"""Terminal helpers for ProgressBar and PrintReport.

On a terminal the progress bar is redrawn in place: it is written, then the cursor
is moved back up to its first line (``ESC[nA``), and whatever is printed next
first erases the screen below the cursor (``ESC[J``).  Where the stream is not
a terminal (a file, a pipe, a notebook, pytest's capture), no escape codes are
written: the lines simply follow one another.
"""
import sys

ERASE_BELOW = '\033[J'


def resolve(out):
    """The stream to write to: `out`, or the current sys.stdout when None."""
    return sys.stdout if out is None else out


def is_tty(out):
    isatty = getattr(out, 'isatty', None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def erase_below(out):
    if is_tty(out):
        out.write(ERASE_BELOW)


def cursor_up(out, n):
    if is_tty(out):
        out.write(f'\033[{n:d}A')


def flush(out):
    if hasattr(out, 'flush'):
        out.flush()

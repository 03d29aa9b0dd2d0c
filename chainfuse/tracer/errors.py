"""Errors of the tracer, and how it finds the user's source line."""
import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TraceError(Exception):
    """The traced function was used in a way tracing does not support (bad input)."""


class GraphBreak(Exception):
    """The call cannot be recorded faithfully; `reason` says why, `location` where.

    The runtime turns it into an eager fallback (one warning) or, with
    ``fallback='raise'``, re-raises it.
    """

    def __init__(self, reason, location=None):
        self.reason = reason
        self.location = location or user_location()
        super().__init__(f'{reason} (at {self.location})')


def _is_library_frame(filename):
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


def user_location(depth=1):
    """``file:line`` of the innermost frame outside the chainfuse package."""
    frame = sys._getframe(depth)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_library_frame(filename) and not filename.startswith('<frozen'):
            return f'{filename}:{frame.f_lineno}'
        frame = frame.f_back
    return '<unknown>'

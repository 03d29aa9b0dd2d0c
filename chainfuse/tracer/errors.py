"""Errors of the tracer, and how it finds the user's source line."""
import os
import sys
import sysconfig
import warnings

import numpy

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# frames in these folders are library code, never "the user's line"
_PATHS = sysconfig.get_paths()
_OWN_DIRS = tuple(os.path.abspath(d) + os.sep for d in (
    _PACKAGE_DIR, os.path.dirname(os.path.abspath(numpy.__file__))))
# the standard library and installed packages (site-packages lies below stdlib)
_STD_DIRS = tuple(os.path.abspath(_PATHS[k]) + os.sep
                  for k in ('stdlib', 'platstdlib', 'purelib', 'platlib'))
_USER_FILES = {}


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
        self.guards = None      # the Python state the trace had read when it broke
        super().__init__(f'{reason} (at {self.location})')


def is_user_file(filename):
    """True for the user's own code: not chainfuse, numpy, the standard library or an
    installed package (``<string>`` and other pseudo files count as the user's, except
    Python's frozen modules)."""
    known = _USER_FILES.get(filename)
    if known is not None:
        return known
    if filename.startswith('<frozen'):
        known = False
    elif filename.startswith('<'):
        known = True
    elif os.sep not in filename:
        known = False       # generated code (namedtuple's __new__ and the like)
    else:
        known = not os.path.abspath(filename).startswith(_OWN_DIRS + _STD_DIRS)
    _USER_FILES[filename] = known
    return known


def user_location(depth=1):
    """``file:line`` of the innermost frame of user code (see `is_user_file`)."""
    frame = sys._getframe(depth)
    while frame is not None:
        filename = frame.f_code.co_filename
        if is_user_file(filename):
            return f'{filename}:{frame.f_lineno}'
        frame = frame.f_back
    return '<unknown>'


def warn_at(message, location, stacklevel=4):
    """Warns with `location` (``file:line`` of the user's code, as `user_location` gives
    it) as the warning's origin; where it is unknown, `stacklevel` as for warnings.warn
    called where this is."""
    filename, _, line = (location or '').rpartition(':')
    if filename and line.isdigit():
        warnings.warn_explicit(message, RuntimeWarning, filename, int(line))
    else:
        warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)

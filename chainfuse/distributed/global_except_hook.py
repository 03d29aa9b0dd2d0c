"""Abort the whole MPI job when one rank dies of an uncaught exception.

Without it a rank that raises exits, and the others block forever in their next
collective.  `add_hook()` wraps ``sys.excepthook``: the traceback is printed with the
rank's number, then ``MPI.COMM_WORLD.Abort(1)`` makes mpiexec end every rank.
`create_communicator` installs it when the job has more than one process.
"""
import sys
import traceback

from chainfuse.distributed._mpi import mpi

_installed = []


def _hook(exc_type, exc, tb):
    MPI = mpi()
    rank = MPI.COMM_WORLD.rank
    lines = traceback.format_exception(exc_type, exc, tb)
    sys.stderr.write(f'[chainfuse.distributed] rank {rank} of {MPI.COMM_WORLD.size}: '
                     'uncaught exception; aborting all ranks (MPI_Abort)\n' + ''.join(lines))
    sys.stderr.flush()
    sys.stdout.flush()
    MPI.COMM_WORLD.Abort(1)


def add_hook():
    """Installs the hook (once)."""
    if not _installed:
        _installed.append(sys.excepthook)
        sys.excepthook = _hook


def remove_hook():
    if _installed:
        sys.excepthook = _installed.pop()

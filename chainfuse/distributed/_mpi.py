"""mpi4py, imported on first use so that ``import chainfuse.distributed`` works without it."""

INSTALL_HINT = ("chainfuse.distributed needs mpi4py and an MPI library: "
                "pip install 'chainfuse[mpi]' (mpi4py with the mpich wheel), or install "
                "a system MPI (Open MPI, MPICH) and then pip install mpi4py")


def mpi():
    """The ``mpi4py.MPI`` module; raises ImportError with an install hint when absent."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(f'{INSTALL_HINT} ({e})') from e
    return MPI


def available():
    """True when mpi4py imports (a test that needs MPI skips otherwise)."""
    try:
        mpi()
    except ImportError:
        return False
    return True

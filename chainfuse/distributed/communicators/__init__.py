"""`create_communicator(name)`: ChainerMN's communicators on MPI (and NCCL)."""
from chainfuse.distributed.communicators.flat import FlatCommunicator
from chainfuse.distributed.communicators.mpi_communicator import MpiCommunicator
from chainfuse.distributed.communicators.naive import NaiveCommunicator

NAMES = ('naive', 'flat', 'pure_nccl')


def _pure_nccl(mpi_comm):
    from chainfuse.distributed.communicators.pure_nccl import PureNcclCommunicator
    return PureNcclCommunicator(mpi_comm)


_FACTORIES = {'naive': NaiveCommunicator, 'flat': FlatCommunicator, 'pure_nccl': _pure_nccl}


def create_communicator(communicator_name='pure_nccl', mpi_comm=None,
                        abort_on_exception=True, **kwargs):
    """A communicator over `mpi_comm` (MPI.COMM_WORLD by default).

    ``'naive'``: one MPI_Allreduce per parameter; ``'flat'``: gradients packed into flat
    buckets; ``'pure_nccl'``: buckets allreduced by NCCL on GPUs (needs CuPy with NCCL).
    ChainerMN's default is 'pure_nccl': CPU scripts name 'naive' or 'flat'.

    With ``abort_on_exception`` (the default) and more than one process, an uncaught
    exception on any rank prints its traceback and calls MPI_Abort, so the other ranks
    stop instead of waiting for it forever (see `global_except_hook`).
    """
    factory = _FACTORIES.get(communicator_name)
    if factory is None:
        raise ValueError(f'unknown communicator {communicator_name!r}; choose one of {NAMES}')
    if kwargs:
        raise TypeError(f'create_communicator: unsupported option(s) {sorted(kwargs)} for '
                        f'{communicator_name!r}')
    comm = factory(mpi_comm)
    if abort_on_exception and comm.size > 1:
        from chainfuse.distributed import global_except_hook
        global_except_hook.add_hook()
    return comm

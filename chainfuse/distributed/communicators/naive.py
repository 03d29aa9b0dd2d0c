"""'naive': one MPI_Allreduce per parameter (ChainerMN's NaiveCommunicator)."""
from chainfuse.distributed.communicators.mpi_communicator import MpiCommunicator


class NaiveCommunicator(MpiCommunicator):
    name = 'naive'
    bucket_bytes = 0

"""'flat': gradients packed into flat buckets, one MPI_Allreduce each (ChainerMN's
FlatCommunicator packs all of them into one; here a bucket holds up to 64 MiB)."""
from chainfuse.distributed.communicators.mpi_communicator import MpiCommunicator

BUCKET_BYTES = 64 * 2 ** 20


class FlatCommunicator(MpiCommunicator):
    name = 'flat'
    bucket_bytes = BUCKET_BYTES

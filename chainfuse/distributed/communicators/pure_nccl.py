"""'pure_nccl': gradients allreduced with NCCL on the GPUs (ChainerMN's
PureNcclCommunicator).  MPI still starts the job and carries objects; NCCL carries
the gradient buckets.  One process per GPU: select ``cupy.cuda.Device(comm.intra_rank)``.
"""
import time

from chainfuse import backend
from chainfuse.distributed.communicators.flat import BUCKET_BYTES
from chainfuse.distributed.communicators.mpi_communicator import MpiCommunicator

NEEDS = ("create_communicator('pure_nccl') needs CuPy with NCCL (cupy.cuda.nccl) and a "
         "CUDA GPU per process; install cupy-cuda12x (pip install 'chainfuse[cuda]') on a "
         "GPU machine, or use 'flat' (MPI) on CPUs")


def _nccl():
    if not backend.cuda_available():
        raise RuntimeError(f'{NEEDS}: no CUDA device is available here')
    try:
        from cupy.cuda import nccl
    except ImportError as e:
        raise RuntimeError(f'{NEEDS}: {e}') from e
    if not getattr(nccl, 'available', True):
        raise RuntimeError(f'{NEEDS}: this CuPy was built without NCCL')
    return nccl


class PureNcclCommunicator(MpiCommunicator):  # pragma: no cover - needs GPUs
    name = 'pure_nccl'
    bucket_bytes = BUCKET_BYTES

    def __init__(self, mpi_comm=None):
        nccl = _nccl()
        super().__init__(mpi_comm)
        uid = nccl.get_unique_id() if self.rank == 0 else None
        uid = self.bcast_obj(uid)
        self.nccl_comm = nccl.NcclCommunicator(self.size, uid, self.rank)
        self._nccl = nccl

    def allreduce_sum_inplace(self, buf):
        if not backend.is_cupy_array(buf):
            return super().allreduce_sum_inplace(buf)
        import cupy
        nccl = self._nccl
        types = {'float16': nccl.NCCL_FLOAT16, 'float32': nccl.NCCL_FLOAT32,
                 'float64': nccl.NCCL_FLOAT64}
        start = time.perf_counter()
        stream = cupy.cuda.get_current_stream().ptr
        self.nccl_comm.allReduce(buf.data.ptr, buf.data.ptr, buf.size,
                                 types[buf.dtype.name], nccl.NCCL_SUM, stream)
        self._count(buf, start)  # time to enqueue: NCCL runs on the stream

"""The MPI communicator: ChainerMN's `CommunicatorBase` API on mpi4py.

Attributes follow ChainerMN: ``rank``/``size`` (in the whole job), ``intra_rank``/
``intra_size`` (among the processes of this node, e.g. to pick a GPU),
``inter_rank``/``inter_size`` (which node, how many nodes) and ``mpi_comm``.

Objects (``*_obj``) travel pickled; arrays (`send`/`recv`, `bcast_data`,
`allreduce_grad`) travel as raw buffers.  Subclasses choose how gradients are grouped
into collectives (``bucket_bytes``): 'naive' one per parameter, 'flat' a few flat
buckets.
"""
import time

import numpy

from chainfuse import backend
from chainfuse.distributed import buckets
from chainfuse.distributed._mpi import mpi


class MpiCommunicator:
    """Collectives over an ``mpi4py.MPI.Comm`` (``COMM_WORLD`` by default)."""

    name = 'mpi'
    bucket_bytes = None

    def __init__(self, mpi_comm=None):
        MPI = mpi()
        self.mpi_comm = MPI.COMM_WORLD if mpi_comm is None else mpi_comm
        node = self.mpi_comm.Split_type(MPI.COMM_TYPE_SHARED, key=self.mpi_comm.rank)
        self.intra_rank, self.intra_size = node.rank, node.size
        leaders = self.mpi_comm.Split(self.intra_rank, self.mpi_comm.rank)
        self.inter_rank = leaders.rank
        self.inter_size = leaders.size
        node.Free()
        leaders.Free()
        self.bytes_allreduced = 0   # gradient bytes reduced by this rank so far
        self.allreduce_calls = 0    # collective calls made for them
        self.allreduce_seconds = 0.0  # time in those calls (waiting for slower ranks too)

    @property
    def rank(self):
        return self.mpi_comm.rank

    @property
    def size(self):
        return self.mpi_comm.size

    def __repr__(self):
        return f'<{type(self).__name__} rank {self.rank} of {self.size}>'

    # ---- objects (pickled) ----
    def send_obj(self, obj, dest, tag=0):
        self.mpi_comm.send(obj, dest=dest, tag=tag)

    def recv_obj(self, source, tag=0):
        return self.mpi_comm.recv(source=source, tag=tag)

    def bcast_obj(self, obj, root=0):
        return self.mpi_comm.bcast(obj, root=root)

    def gather_obj(self, obj, root=0):
        """A list of every rank's `obj` on `root`, None elsewhere."""
        return self.mpi_comm.gather(obj, root=root)

    def allgather_obj(self, obj):
        return self.mpi_comm.allgather(obj)

    def allreduce_obj(self, obj):
        """The sum over ranks of `obj` (numbers, numpy arrays: anything with ``+``)."""
        return self.mpi_comm.allreduce(obj)

    def barrier(self):
        self.mpi_comm.Barrier()

    def split(self, color, key):
        """A communicator of the same type over the ranks that pass the same `color`."""
        return type(self)(self.mpi_comm.Split(color, key))

    # ---- arrays (raw buffers) ----
    def send(self, data, dest, tag=0):
        """Sends one array: its shape and dtype first, then the bytes."""
        data = numpy.ascontiguousarray(backend.to_cpu(data))
        self.mpi_comm.send((data.shape, data.dtype.str), dest=dest, tag=tag)
        self.mpi_comm.Send(data, dest=dest, tag=tag)

    def recv(self, source, tag=0):
        """The array a matching `send` sent (a numpy array)."""
        shape, dtype = self.mpi_comm.recv(source=source, tag=tag)
        out = numpy.empty(shape, dtype=dtype)
        self.mpi_comm.Recv(out, source=source, tag=tag)
        return out

    def allreduce_sum_inplace(self, buf):
        """``buf`` = the elementwise sum of every rank's ``buf`` (one collective)."""
        MPI = mpi()
        start = time.perf_counter()
        host = backend.to_cpu(buf) if backend.is_cupy_array(buf) else buf
        self.mpi_comm.Allreduce(MPI.IN_PLACE, host, op=MPI.SUM)
        if host is not buf:  # pragma: no cover - needs a GPU
            buf.set(host)
        self._count(buf, start)

    def _count(self, buf, start):
        self.allreduce_calls += 1
        self.bytes_allreduced += int(buf.nbytes)
        self.allreduce_seconds += time.perf_counter() - start

    def allreduce(self, array):
        """The elementwise sum over ranks of `array` (a new array)."""
        out = array.copy()
        self.allreduce_sum_inplace(out)
        return out

    # ---- models ----
    def bcast_data(self, model, root=0):
        """Copies every initialized parameter of `model` from rank `root` to all ranks."""
        params = _initialized(model)
        self._check_same_params(params, root)
        for _, p in params:
            data = p._data
            host = backend.to_cpu(data) if backend.is_cupy_array(data) else data
            self.mpi_comm.Bcast(host, root=root)
            if host is not data:  # pragma: no cover - needs a GPU
                data.set(host)

    def allreduce_grad(self, model, zero_fill=True):
        """Replaces every gradient of `model` by its mean over all ranks.

        ``zero_fill``: a parameter whose grad is None on this rank takes part with
        zeros (every rank must reduce the same list).
        """
        params = [p for _, p in _initialized(model)]
        if zero_fill:
            for p in params:
                if p._grad_var is None:
                    p.grad = p.xp.zeros_like(p._data)
        grads = [p._grad_var._data for p in params if p._grad_var is not None]
        for g, mean in zip(grads, buckets.allreduce_mean(self, grads, self.bucket_bytes)):
            g[...] = mean

    # ChainerMN 7 renamed allreduce_grad; both names work
    def multi_node_mean_grad(self, model, zero_fill=False):
        self.allreduce_grad(model, zero_fill)

    def _check_same_params(self, params, root):
        mine = [(name, tuple(p._data.shape), str(p._data.dtype)) for name, p in params]
        theirs = self.bcast_obj(mine, root=root)
        if mine != theirs:
            diff = sorted(set(mine) ^ set(theirs))[:4]
            raise ValueError(f'bcast_data: rank {self.rank} has other parameters than rank '
                             f'{root} (differences, first few: {diff}); build the same model '
                             'on every rank and initialize it (one forward) before')


def _initialized(model):
    return sorted(((n, p) for n, p in model.namedparams() if p._data is not None),
                  key=lambda item: item[0])

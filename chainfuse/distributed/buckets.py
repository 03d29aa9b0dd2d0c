"""Gradients packed into flat buckets: one copy in, one collective per bucket, views out.

``plan_buckets(arrays, bucket_bytes)`` groups consecutive arrays of one dtype until a
bucket would exceed `bucket_bytes` (``None``: no limit, so one bucket per dtype run;
``0``: one bucket per array, ChainerMN's 'naive').  `allreduce_mean` then does, per
bucket::

    buf = concatenate([a.ravel() for a in bucket])   # pack
    MPI_Allreduce(IN_PLACE, buf, SUM)                 # one collective
    buf *= 1 / size                                   # the mean
    outs += [buf[o:o + a.size].reshape(a.shape)]      # unpack (views of buf)

The eager multi-node optimizer and the compiled step's allreduce op both call it, so
both reduce in exactly the same order and give the same bits.
"""
from chainfuse import backend


def plan_buckets(arrays, bucket_bytes=None):
    """Lists of indices into `arrays`, one list per bucket, in order."""
    buckets = []
    current, size, dtype = [], 0, None
    for i, a in enumerate(arrays):
        full = bucket_bytes is not None and current and size + a.nbytes > bucket_bytes
        if current and (a.dtype != dtype or full):
            buckets.append(current)
            current, size = [], 0
        current.append(i)
        size += a.nbytes
        dtype = a.dtype
    if current:
        buckets.append(current)
    return buckets


def pack(arrays, xp):
    """One flat, contiguous array holding `arrays` one after the other."""
    return xp.concatenate([xp.ravel(a) for a in arrays])


def unpack(buf, like):
    """Views of `buf` shaped like each array of `like`."""
    outs, offset = [], 0
    for a in like:
        outs.append(buf[offset:offset + a.size].reshape(a.shape))
        offset += a.size
    return outs


def allreduce_mean(comm, arrays, bucket_bytes=None):
    """The mean over all ranks of each array of `arrays` (new arrays, in order).

    `comm` is a chainfuse communicator: its ``allreduce_sum_inplace(buf)`` is the
    collective (MPI or NCCL).  Every rank must pass arrays of the same shapes and dtypes
    in the same order.
    """
    outs = [None] * len(arrays)
    for bucket in plan_buckets(arrays, bucket_bytes):
        group = [arrays[i] for i in bucket]
        buf = pack(group, backend.get_array_module(group[0]))
        comm.allreduce_sum_inplace(buf)
        buf *= buf.dtype.type(1.0 / comm.size)
        for i, out in zip(bucket, unpack(buf, group)):
            outs[i] = out
    return outs


def nbytes(arrays):
    return sum(int(a.nbytes) for a in arrays)

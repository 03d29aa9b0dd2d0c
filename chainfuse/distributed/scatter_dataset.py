"""`scatter_dataset(dataset, comm)`: each rank gets its own part of rank 0's dataset.

As in ChainerMN, the root splits ``len(dataset)`` examples into ``comm.size`` parts of
``ceil(n / size)`` examples (the last ones overlap a little so every rank has the
same number of examples, hence the same number of iterations per epoch), optionally
after a seeded shuffle, and sends each rank its examples.  Other ranks may pass None.
"""
import numpy

from chainfuse.datasets.sub_dataset import SubDataset


def _bounds(n, size, rank, force_equal_length):
    start = n * rank // size
    if force_equal_length:
        return start, start + (n + size - 1) // size
    return start, n * (rank + 1) // size


def _materialize(sub):
    """The examples of `sub` as a list (what travels to the rank that gets it)."""
    return [sub[i] for i in range(len(sub))]


def scatter_dataset(dataset, comm, root=0, shuffle=False, seed=None, max_buf_len=None,
                    *, force_equal_length=True):
    """This rank's part of `dataset` (given on `root`) as a list of examples."""
    if comm.rank != root:
        return comm.mpi_comm.scatter(None, root=root)
    if dataset is None:
        raise ValueError(f'scatter_dataset: the root (rank {root}) must pass the dataset')
    n = len(dataset)
    if n < comm.size:
        raise ValueError(f'scatter_dataset: {n} examples cannot be split over {comm.size} '
                         'ranks; give every rank at least one example')
    order = numpy.random.RandomState(seed).permutation(n) if shuffle else None
    parts = []
    for rank in range(comm.size):
        start, stop = _bounds(n, comm.size, rank, force_equal_length)
        parts.append(_materialize(SubDataset(dataset, start, stop, order)))
    return comm.mpi_comm.scatter(parts, root=root)


def get_n_iterations_for_one_epoch(dataset, local_batch_size, comm):
    """Iterations per epoch of the largest rank's part (ChainerMN's helper)."""
    n = comm.allreduce_obj(len(dataset)) if comm.size > 1 else len(dataset)
    per_rank = (n + comm.size - 1) // comm.size
    return (per_rank + local_batch_size - 1) // local_batch_size

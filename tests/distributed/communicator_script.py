"""Run by test_communicator.py under ``mpiexec -n 2``: each collective once; rank 0
prints one JSON line of what it saw."""
import json
import sys

import numpy

import chainfuse as chainer
import chainfuse.links as L
import chainfuse.mn as chainermn


def check_model_collectives(comm):
    chainer.set_random_seed(comm.rank)
    model = chainer.Sequential(L.Linear(3, 4), L.Linear(4, 2))
    comm.bcast_data(model)
    w = comm.gather_obj(model[0].W.array.copy())
    for p in model.params():
        p.grad = numpy.full_like(p.array, comm.rank + 1.0)
    comm.allreduce_grad(model)
    grads = [float(g) for p in model.params() for g in numpy.unique(p.grad)]
    return w, grads


def main():
    comm = chainermn.create_communicator(sys.argv[1])
    out = {'rank': comm.rank, 'size': comm.size, 'intra_rank': comm.intra_rank,
           'intra_size': comm.intra_size, 'inter_size': comm.inter_size}
    out['bcast_obj'] = comm.bcast_obj({'a': 1} if comm.rank == 0 else None)
    out['gather_obj'] = comm.gather_obj(comm.rank * 10)
    out['allreduce_obj'] = comm.allreduce_obj(comm.rank + 1)
    if comm.rank == 1:
        comm.send(numpy.arange(6, dtype=numpy.float32).reshape(2, 3), dest=0, tag=3)
        comm.send_obj(('hello', 1), dest=0)
    else:
        got = comm.recv(source=1, tag=3)
        out['recv'] = [list(got.shape), got.dtype.name, float(got.sum())]
        out['recv_obj'] = list(comm.recv_obj(source=1))
    w, grads = check_model_collectives(comm)
    if comm.rank == 0:
        out['bcast_data_equal'] = bool(numpy.array_equal(w[0], w[1]))
        out['mean_grads'] = grads
        out['calls'] = comm.allreduce_calls
        print(json.dumps(out))


if __name__ == '__main__':
    main()

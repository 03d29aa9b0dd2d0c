"""Run by test_evaluator.py under ``mpiexec -n 2``: scatter_dataset and the multi-node
Evaluator; rank 0 prints one JSON line: its result, the single-process Evaluator's on
the whole set, and what scatter_dataset gave each rank."""
import json

import numpy

import chainfuse as chainer
import chainfuse.links as L
import chainfuse.mn as chainermn
from chainfuse.training import extensions

N, BATCH = 64, 8


def dataset():
    rng = numpy.random.RandomState(0)
    x = rng.standard_normal((N, 6)).astype(numpy.float32)
    return chainer.datasets.TupleDataset(x, (x.sum(axis=1) > 0).astype(numpy.int32))


def evaluator(data, model):
    it = chainer.iterators.SerialIterator(data, BATCH, repeat=False, shuffle=False)
    return extensions.Evaluator(it, model)


def main():
    comm = chainermn.create_communicator('naive')
    chainer.set_random_seed(0)
    model = L.Classifier(L.Linear(6, 2))
    whole = dataset() if comm.rank == 0 else None
    mine = chainermn.scatter_dataset(whole, comm, shuffle=True, seed=3)
    parts = comm.gather_obj([float(x.sum()) for x, _ in mine])
    result = chainermn.create_multi_node_evaluator(evaluator(mine, model), comm)()
    if comm.rank == 0:
        single = evaluator(whole, model)()
        print(json.dumps({'multi': {k: float(v) for k, v in result.items()},
                          'single': {k: float(v) for k, v in single.items()},
                          'part_sizes': [len(p) for p in parts],
                          'covered': sorted(sum(parts, [])) ==
                          sorted(float(x.sum()) for x, _ in whole)}))


if __name__ == '__main__':
    main()

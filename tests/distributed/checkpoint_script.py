"""Run by test_checkpoint.py under ``mpiexec -n 2``: train with the multi-node
checkpointer for ``--epochs``, optionally resuming first (``maybe_load``); rank 0 saves
the final parameters and prints the iteration it resumed from."""
import argparse
import json

import numpy

import chainfuse as chainer
import chainfuse.links as L
import chainfuse.mn as chainermn
from chainfuse import training


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, required=True)
    p.add_argument('--dir', required=True)
    p.add_argument('--params', required=True)
    args = p.parse_args()
    comm = chainermn.create_communicator('flat')
    chainer.set_random_seed(comm.rank)
    model = L.Classifier(L.Linear(4, 3))
    optimizer = chainermn.create_multi_node_optimizer(chainer.optimizers.Adam(), comm)
    optimizer.setup(model)
    rng = numpy.random.RandomState(0)
    x = rng.standard_normal((40, 4)).astype(numpy.float32)
    data = chainer.datasets.TupleDataset(x, (x[:, 0] > 0).astype(numpy.int32))
    mine = chainermn.scatter_dataset(data if comm.rank == 0 else None, comm)
    it = chainer.iterators.SerialIterator(mine, 5, shuffle=False)
    trainer = training.Trainer(training.StandardUpdater(it, optimizer),
                               (args.epochs, 'epoch'), out=args.dir)
    checkpointer = chainermn.extensions.create_multi_node_checkpointer('cp', comm)
    trainer.extend(checkpointer, trigger=(1, 'epoch'))
    resumed = checkpointer.maybe_load(trainer, optimizer)
    trainer.run()
    if comm.rank == 0:
        numpy.savez(args.params, **{n: q.array for n, q in model.namedparams()})
        print(json.dumps({'resumed': resumed, 'iteration': trainer.updater.iteration}))


if __name__ == '__main__':
    main()

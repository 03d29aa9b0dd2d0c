"""Run by test_data_parallel.py under ``mpiexec -n N``: k steps of data-parallel training.

Every rank builds the MLP from its own seed (rank r: seed r), so only the broadcast
from rank 0 makes them equal; rank r trains on rows [r*B/N, (r+1)*B/N) of one fixed
batch of B.  With one process and ``--reference`` it is plain single-process training
on the whole batch.  Rank 0 writes the parameters and a few counters to ``--out``.
"""
import argparse
import json

import numpy

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
import chainfuse.mn as chainermn

OPTIMIZERS = {'adagrad': lambda: chainer.optimizers.AdaGrad(lr=0.05),
              'momentum': lambda: chainer.optimizers.MomentumSGD(lr=0.1),
              'adam': lambda: chainer.optimizers.Adam()}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument('--mode', choices=('eager', 'compiled', 'updater'), default='eager')
    p.add_argument('--comm', default='flat')
    p.add_argument('--optimizer', choices=sorted(OPTIMIZERS), default='adagrad')
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--reference', action='store_true')
    p.add_argument('--out', required=True)
    return p.parse_args()


def make_model(seed):
    chainer.set_random_seed(seed)
    return L.Classifier(chainer.Sequential(L.Linear(12, 16), F.relu, L.Linear(16, 16),
                                           F.tanh, L.Linear(16, 5)))


def batches(args, rank, size):
    rng = numpy.random.RandomState(0)
    for _ in range(args.steps):
        x = rng.standard_normal((args.batch, 12)).astype(numpy.float32)
        t = rng.randint(0, 5, size=args.batch).astype(numpy.int32)
        part = args.batch // size
        yield x[rank * part:(rank + 1) * part], t[rank * part:(rank + 1) * part]


def train(args, model, optimizer, rank, size):
    if args.mode == 'eager':
        for x, t in batches(args, rank, size):
            optimizer.update(model, x, t)
        return None
    if args.mode == 'compiled':
        step = chainer.compile_step(optimizer, model)
        for x, t in batches(args, rank, size):
            step(x, t)
        return dict(step.stats, plan_ops=plan_ops(step))
    dataset = list(zip(*[numpy.concatenate(a) for a in zip(*batches(args, rank, size))]))
    it = chainer.iterators.SerialIterator(dataset, args.batch // size, shuffle=False)
    updater = chainer.training.updaters.StandardUpdater(it, optimizer, compile=True)
    for _ in range(args.steps):
        updater.update()
    return dict(updater._compiled_step.stats, plan_ops=plan_ops(updater._compiled_step))


def plan_ops(step):
    """How many nodes of each op the compiled plan has (fused kernels not counted)."""
    (entry,) = step.entries
    names = [n.op.name for n in entry.plan.graph.nodes]
    return {name: names.count(name) for name in set(names)}


def main():
    args = parse_args()
    if args.reference:
        rank, size, comm = 0, 1, None
        model = make_model(0)
        optimizer = OPTIMIZERS[args.optimizer]()
    else:
        comm = chainermn.create_communicator(args.comm)
        rank, size = comm.rank, comm.size
        model = make_model(rank)
        optimizer = chainermn.create_multi_node_optimizer(OPTIMIZERS[args.optimizer](), comm)
    optimizer.setup(model)
    stats = train(args, model, optimizer, rank, size)
    if rank == 0:
        params = {name: p.array for name, p in model.namedparams()}
        numpy.savez(args.out, **params)
        info = {'stats': {k: v for k, v in (stats or {}).items() if k != 'compile_time'},
                'allreduce_calls': getattr(comm, 'allreduce_calls', 0),
                'bytes_allreduced': getattr(comm, 'bytes_allreduced', 0)}
        with open(args.out + '.json', 'w') as f:
            json.dump(info, f)


if __name__ == '__main__':
    main()

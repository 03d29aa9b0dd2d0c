#!/usr/bin/env python
"""ChainerMN's MNIST example, run by chainfuse: the MLP of train_mnist.py, data-parallel.

    mpiexec -n 2 python examples/train_mnist_data_parallel.py             # 2 processes
    mpiexec -n 2 python examples/train_mnist_data_parallel.py --compile   # compiled steps
    python examples/train_mnist_data_parallel.py                          # 1 process

``--batchsize`` is the global batch: each of the N ranks trains on batchsize / N
examples of its own part of the training set (`scatter_dataset`) and the
multi-node optimizer averages the gradients, so N ranks make the updates one process
makes on the whole batch and reach the same accuracy.  ChainerMN's example uses
``--batchsize`` per rank instead.  Only rank 0 prints and writes the logs.

Set OMP_NUM_THREADS=1 (and OPENBLAS_NUM_THREADS=1) when the ranks share a few cores.
"""
import argparse

import chainfuse as chainer
import chainfuse.links as L
import chainfuse.mn as chainermn
from chainfuse import training
from chainfuse.training import extensions

from train_mnist import MLP, load_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='chainfuse example: data-parallel MNIST')
    parser.add_argument('--batchsize', '-b', type=int, default=100,
                        help='Global minibatch size (split over the ranks)')
    parser.add_argument('--communicator', default='flat',
                        help="'flat', 'naive', or 'pure_nccl' (GPUs, needs CuPy with NCCL)")
    parser.add_argument('--epoch', '-e', type=int, default=20)
    parser.add_argument('--out', '-o', default='result')
    parser.add_argument('--unit', '-u', type=int, default=100)
    parser.add_argument('--dataset', choices=('digits', 'mnist'), default='digits')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--compile', action='store_true',
                        help='Run each training step as one compiled plan (the gradient '
                             'allreduce is one of its steps)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    comm = chainermn.create_communicator(args.communicator)
    device = -1
    if args.communicator == 'pure_nccl':  # pragma: no cover - needs GPUs
        device = comm.intra_rank           # one process per GPU of the node
    if args.batchsize % comm.size:
        raise SystemExit(f'--batchsize {args.batchsize} must be a multiple of the number of '
                         f'processes ({comm.size})')
    chainer.set_random_seed(args.seed)
    if comm.rank == 0:
        print(f'Processes: {comm.size}; # unit: {args.unit}; global minibatch: '
              f'{args.batchsize} ({args.batchsize // comm.size} per process); '
              f'# epoch: {args.epoch}; communicator: {args.communicator}')

    model = L.Classifier(MLP(args.unit, 10))
    if device != -1:  # pragma: no cover - needs GPUs
        model.to_device(chainer.backend.get_device(device))
    optimizer = chainermn.create_multi_node_optimizer(chainer.optimizers.Adam(), comm)
    optimizer.setup(model)

    train, test = load_dataset(args.dataset) if comm.rank == 0 else (None, None)
    train = chainermn.scatter_dataset(train, comm, shuffle=True, seed=args.seed)
    test = chainermn.scatter_dataset(test, comm, shuffle=True, seed=args.seed)
    train_iter = chainer.iterators.SerialIterator(train, args.batchsize // comm.size)
    test_iter = chainer.iterators.SerialIterator(test, args.batchsize // comm.size,
                                                 repeat=False, shuffle=False)

    updater = training.StandardUpdater(train_iter, optimizer, device=device,
                                       compile=args.compile)
    trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=args.out)
    evaluator = extensions.Evaluator(test_iter, model, device=device)
    trainer.extend(chainermn.create_multi_node_evaluator(evaluator, comm))
    if comm.rank == 0:  # the usual idiom: reporting extensions on one rank only
        trainer.extend(extensions.LogReport())
        trainer.extend(extensions.PrintReport(
            ['epoch', 'main/loss', 'validation/main/loss', 'main/accuracy',
             'validation/main/accuracy', 'elapsed_time']))
    trainer.run()
    return trainer


if __name__ == '__main__':
    main()

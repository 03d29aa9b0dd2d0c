#!/usr/bin/env python
"""Chainer's MNIST example, run by chainfuse: an MLP trained with Trainer and extensions.

    python examples/train_mnist.py                    # the 8x8 digits shipped with chainfuse, CPU, ~seconds
    python examples/train_mnist.py --dataset mnist    # the real MNIST (needs the data)
    python examples/train_mnist.py --device 0         # on GPU 0 (needs CuPy)
    python examples/train_mnist.py --resume result/snapshot_iter_150
    python examples/train_mnist.py --compile          # each step one compiled plan

It registers the extensions of Chainer's example (Evaluator, dump_graph, snapshot,
LogReport, PrintReport, ProgressBar, PlotReport when matplotlib is installed),
saves the trained MLP with `save_npz`, then loads it into a fresh MLP and prints
its predictions for a few test images.

BLAS threads: run as a script, it sets OPENBLAS_NUM_THREADS and MKL_NUM_THREADS to 1
unless the environment sets them.  The digits MLP multiplies matrices of 100 x 64 and
100 x 100: too small to share between threads, which then only wait for one another
(on two cores loaded by other jobs, two threads took about three times the CPU and
the wall time of one; see the README).  For bigger models, set them:
``OPENBLAS_NUM_THREADS=4 python examples/train_mnist.py --dataset mnist --unit 1000``.
"""
import os

if __name__ == '__main__':  # before numpy loads its BLAS
    for _name in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ.setdefault(_name, '1')

import argparse  # noqa: E402

import numpy  # noqa: E402

import chainfuse as chainer  # noqa: E402
import chainfuse.functions as F  # noqa: E402
import chainfuse.links as L  # noqa: E402
from chainfuse import serializers, training  # noqa: E402
from chainfuse.training import extensions  # noqa: E402


class MLP(chainer.Chain):
    """Three fully connected layers; input sizes are inferred at the first call."""

    def __init__(self, n_units, n_out):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(None, n_units)
            self.l3 = L.Linear(None, n_out)

    def forward(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='chainfuse example: MNIST')
    parser.add_argument('--batchsize', '-b', type=int, default=100,
                        help='Number of images in each mini-batch')
    parser.add_argument('--epoch', '-e', type=int, default=20,
                        help='Number of sweeps over the dataset to train')
    parser.add_argument('--device', '-d', default='-1',
                        help='Device: -1 or @numpy for the CPU, N or @cupy:N for GPU N')
    parser.add_argument('--gpu', '-g', dest='device', type=str,
                        help='GPU ID (negative value indicates CPU); same as --device')
    parser.add_argument('--out', '-o', default='result',
                        help='Directory to output the result')
    parser.add_argument('--resume', '-r', default='',
                        help='Resume the training from snapshot')
    parser.add_argument('--unit', '-u', type=int, default=100, help='Number of units')
    parser.add_argument('--dataset', choices=('digits', 'mnist'), default='digits',
                        help="'digits': the 8x8 digits shipped with chainfuse (small); "
                             "'mnist': the 28x28 MNIST")
    parser.add_argument('--seed', type=int, default=0, help='Random seed')
    parser.add_argument('--compile', action='store_true',
                        help='Compile the model and run each training step as one fused '
                             'plan (CHAINFUSE_DISABLE_COMPILE=1 turns it off again)')
    parser.add_argument('--backend', choices=('numpy', 'numba', 'auto'), default='numpy',
                        help="with --compile: what runs the fused groups. 'numpy' (default "
                             "here): numpy calls inside the plan; 'numba'/'auto': generated "
                             "Numba kernels, whose start-up (Numba's import, loading the "
                             'cached kernels) costs more than they save in this small job: '
                             '1.12x the CPU time of numpy, measured')
    parser.add_argument('--noplot', dest='plot', action='store_false',
                        help='Disable PlotReport extension')
    return parser.parse_args(argv)


def device_spec(text):
    """'-1', '0' -> ints (Chainer's --gpu numbers); '@numpy', '@cupy:0' stay strings."""
    try:
        return int(text)
    except ValueError:
        return text


def load_dataset(name):
    if name == 'digits':
        return chainer.datasets.get_digits()
    return chainer.datasets.get_mnist()


def main(argv=None):
    args = parse_args(argv)
    device = chainer.backend.get_device(device_spec(args.device))
    chainer.set_random_seed(args.seed)

    print(f'Device: {device}')
    print(f'# unit: {args.unit}')
    print(f'# Minibatch-size: {args.batchsize}')
    print(f'# epoch: {args.epoch}')
    print(f'# dataset: {args.dataset}')
    print('')

    model = MLP(args.unit, 10)
    classifier_model = L.Classifier(model)
    classifier_model.to_device(device)
    compile_options = {'backend': args.backend} if args.compile else False
    if args.compile:  # Evaluator's test-mode calls get their own plan
        chainer.compile(classifier_model, **compile_options)

    optimizer = chainer.optimizers.Adam()
    optimizer.setup(classifier_model)

    train, test = load_dataset(args.dataset)
    train_iter = chainer.iterators.SerialIterator(train, args.batchsize)
    test_iter = chainer.iterators.SerialIterator(test, args.batchsize, repeat=False,
                                                 shuffle=False)

    updater = training.StandardUpdater(train_iter, optimizer, device=device,
                                       compile=compile_options)
    trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=args.out)

    trainer.extend(extensions.Evaluator(test_iter, classifier_model, device=device))
    trainer.extend(extensions.dump_graph('main/loss'))
    trainer.extend(extensions.snapshot(n_retains=1), trigger=(args.epoch, 'epoch'))
    trainer.extend(extensions.LogReport())
    if args.plot and extensions.PlotReport.available():
        trainer.extend(extensions.PlotReport(['main/loss', 'validation/main/loss'], 'epoch',
                                             filename='loss.png'))
        trainer.extend(extensions.PlotReport(
            ['main/accuracy', 'validation/main/accuracy'], 'epoch', filename='accuracy.png'))
    entries = ['epoch', 'main/loss', 'validation/main/loss', 'main/accuracy',
               'validation/main/accuracy', 'elapsed_time']
    if args.compile:
        entries += ['compile/time', 'compile/kernels', 'compile/retraces']
    trainer.extend(extensions.PrintReport(entries))
    trainer.extend(extensions.ProgressBar())

    if args.resume:
        serializers.load_npz(args.resume, trainer)

    trainer.run()
    model_path = os.path.join(args.out, 'mlp.model')
    serializers.save_npz(model_path, model)
    show_predictions(model_path, args.unit, test, device)
    return trainer


def show_predictions(model_path, n_units, test, device, n=10):
    """Loads the saved MLP into a fresh one and prints its predictions for `n` test images."""
    print(model_path)
    model = MLP(n_units, 10)
    model(numpy.zeros((1,) + test[0][0].shape, numpy.float32))  # create the parameters
    serializers.load_npz(model_path, model)
    model.to_device(device)
    numpy.set_printoptions(precision=2, suppress=True)
    with chainer.using_config('train', False), chainer.no_backprop_mode():
        for i in range(n):
            x, t = test[i]
            y = model(device.send(x[None]))
            probs = chainer.backend.to_cpu(F.softmax(y).array)
            print(f'{i}-th image: answer = {int(t)}, predict = {int(probs.argmax())} {probs[0]}')


if __name__ == '__main__':
    main()

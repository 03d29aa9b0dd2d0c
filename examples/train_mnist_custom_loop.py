#!/usr/bin/env python
"""Chainer's MNIST custom-loop example: the same MLP as train_mnist.py, trained by a
hand-written loop over SerialIterator batches instead of a Trainer.

    python examples/train_mnist_custom_loop.py              # 8x8 digits on the CPU
    python examples/train_mnist_custom_loop.py --dataset mnist --device 0
"""
import argparse
import os
import sys

import chainfuse as chainer
import chainfuse.links as L
from chainfuse import serializers
from chainfuse.dataset import concat_examples

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_mnist import MLP, device_spec, load_dataset  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='chainfuse example: MNIST (custom loop)')
    parser.add_argument('--batchsize', '-b', type=int, default=100)
    parser.add_argument('--epoch', '-e', type=int, default=20)
    parser.add_argument('--device', '-d', default='-1')
    parser.add_argument('--gpu', '-g', dest='device', type=str)
    parser.add_argument('--out', '-o', default='result')
    parser.add_argument('--resume', '-r', default='',
                        help='Resume from saved model and optimizer (<out>/mlp.model, '
                             '<out>/mlp.state)')
    parser.add_argument('--unit', '-u', type=int, default=100)
    parser.add_argument('--dataset', choices=('digits', 'mnist'), default='digits')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def evaluate(model, test_iter, device):
    """Mean loss and accuracy over the test set, weighted by batch size."""
    sum_loss = sum_accuracy = count = 0.0
    with chainer.using_config('train', False), chainer.using_config('enable_backprop', False):
        for batch in test_iter:
            x, t = concat_examples(batch, device)
            loss = model(x, t)
            sum_loss += float(loss.array) * len(t)
            sum_accuracy += float(model.accuracy.array) * len(t)
            count += len(t)
    test_iter.reset()
    return sum_loss / count, sum_accuracy / count


def main(argv=None):
    args = parse_args(argv)
    device = chainer.backend.get_device(device_spec(args.device))
    chainer.set_random_seed(args.seed)
    print(f'Device: {device}\n# unit: {args.unit}\n# Minibatch-size: {args.batchsize}\n'
          f'# epoch: {args.epoch}\n')

    model = L.Classifier(MLP(args.unit, 10))
    model.to_device(device)
    optimizer = chainer.optimizers.Adam()
    optimizer.setup(model)
    if args.resume:
        serializers.load_npz(os.path.join(args.resume, 'mlp.model'), model)
        serializers.load_npz(os.path.join(args.resume, 'mlp.state'), optimizer)

    train, test = load_dataset(args.dataset)
    train_iter = chainer.iterators.SerialIterator(train, args.batchsize)
    test_iter = chainer.iterators.SerialIterator(test, args.batchsize, repeat=False,
                                                 shuffle=False)
    sum_loss = sum_accuracy = count = 0.0
    test_accuracy = None
    while train_iter.epoch < args.epoch:
        x, t = concat_examples(train_iter.next(), device)
        optimizer.update(model, x, t)
        sum_loss += float(model.loss.array) * len(t)
        sum_accuracy += float(model.accuracy.array) * len(t)
        count += len(t)
        if train_iter.is_new_epoch:
            print(f'epoch: {train_iter.epoch}')
            print(f'train mean loss: {sum_loss / count:.6g}, accuracy: {sum_accuracy / count:.6g}')
            test_loss, test_accuracy = evaluate(model, test_iter, device)
            print(f'test mean  loss: {test_loss:.6g}, accuracy: {test_accuracy:.6g}')
            sum_loss = sum_accuracy = count = 0.0

    os.makedirs(args.out, exist_ok=True)
    print('save the model')
    serializers.save_npz(os.path.join(args.out, 'mlp.model'), model)
    print('save the optimizer')
    serializers.save_npz(os.path.join(args.out, 'mlp.state'), optimizer)
    return test_accuracy


if __name__ == '__main__':
    main()

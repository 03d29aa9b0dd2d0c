# The seed tutorial's Trainer program (shared/seeds/000), as written for Chainer, with
# only the imports changed to chainfuse and the command line given by the test
# (CPU, fewer epochs).  The dataset is whatever chainer.datasets.get_mnist returns:
# the test substitutes the bundled digits data (no network in tests).
from __future__ import print_function
import argparse
import sys

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import training
from chainfuse.training import extensions
from chainfuse import serializers


# Network definition Chainer v2
# 1. `init_scope()` is used to initialize links for IDE friendly design.
# 2. input size of Linear layer can be omitted
class MLP(chainer.Chain):

    def __init__(self, n_units, n_out):
        super(MLP, self).__init__()
        with self.init_scope():
            # input size of each layer will be inferred when omitted
            self.l1 = L.Linear(n_units)  # n_in -> n_units
            self.l2 = L.Linear(n_units)  # n_units -> n_units
            self.l3 = L.Linear(n_out)    # n_units -> n_out

    def __call__(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)


parser = argparse.ArgumentParser(description='Chainer example: MNIST')
parser.add_argument('--batchsize', '-b', type=int, default=100,
                    help='Number of images in each mini-batch')
parser.add_argument('--epoch', '-e', type=int, default=20,
                    help='Number of sweeps over the dataset to train')
parser.add_argument('--gpu', '-g', type=int, default=-1,
                    help='GPU ID (negative value indicates CPU)')
parser.add_argument('--out', '-o', default='result/4',
                    help='Directory to output the result')
parser.add_argument('--resume', '-r', default='',
                    help='Resume the training from snapshot')
parser.add_argument('--unit', '-u', type=int, default=50,
                    help='Number of units')
args = parser.parse_args(sys.argv[1:])

print('GPU: {}'.format(args.gpu))
print('# unit: {}'.format(args.unit))
print('# Minibatch-size: {}'.format(args.batchsize))
print('# epoch: {}'.format(args.epoch))
print('')

model = MLP(args.unit, 10)
classifier_model = L.Classifier(model)
if args.gpu >= 0:
    chainer.cuda.get_device(args.gpu).use()  # Make a specified GPU current
    classifier_model.to_gpu()  # Copy the model to the GPU

optimizer = chainer.optimizers.Adam()
optimizer.setup(classifier_model)

train, test = chainer.datasets.get_mnist()

train_iter = chainer.iterators.SerialIterator(train, args.batchsize)
test_iter = chainer.iterators.SerialIterator(test, args.batchsize, repeat=False, shuffle=False)

updater = training.StandardUpdater(train_iter, optimizer, device=args.gpu)
trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=args.out)

trainer.extend(extensions.Evaluator(test_iter, classifier_model, device=args.gpu))
trainer.extend(extensions.dump_graph('main/loss'))
trainer.extend(extensions.snapshot(), trigger=(1, 'epoch'))
trainer.extend(extensions.LogReport())
trainer.extend(extensions.PrintReport(
    ['epoch', 'main/loss', 'validation/main/loss',
     'main/accuracy', 'validation/main/accuracy', 'elapsed_time']))
trainer.extend(extensions.ProgressBar())

if args.resume:
    # Resume from a snapshot
    serializers.load_npz(args.resume, trainer)

trainer.run()
serializers.save_npz('{}/mlp.model'.format(args.out), model)

model_saved_name = '{}/mlp.model'.format(args.out)
print(model_saved_name)
serializers.load_npz(model_saved_name, model)

import numpy as np  # noqa: E402
from chainfuse import Variable  # noqa: E402
from chainfuse import cuda  # noqa: E402
xp = np if args.gpu < 0 else cuda.cupy
for i in range(len(test)):
    x = Variable(xp.asarray([test[i][0]]))    # test data
    # t = Variable(xp.asarray([test[i][1]]))  # labels
    y = model(x)                              # Inference result
for i in range(5):
    x = Variable(xp.asarray([test[i][0]]))  # test data
    y = model(x)
    np.set_printoptions(precision=2, suppress=True)
    print('{}-th image: answer = {}, predict = {}'.format(i, test[i][1], F.softmax(y).data))
    prediction = y.data.argmax(axis=1)

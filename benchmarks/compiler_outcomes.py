"""The compiler's measured outcomes, printed side by side:

- kernel counts: GELU MLP (4 layers 512, GELU tanh form from primitive ops) and an LSTM
  cell unrolled over 8 steps; the plans are printed with --show;
- compile time of the MNIST MLP training graph (Classifier(784-100-100-10)), cold
  (fresh kernel cache directory, in a new process) and warm (same cache, new process).

    python benchmarks/compiler_outcomes.py [--show]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.compiler import compile_training
from chainfuse.ops import elementwise as E
from chainfuse.tracer import trace


def gelu(x):
    return 0.5 * x * (1.0 + E.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


class GeluMLP(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.layers = chainer.ChainList(*[L.Linear(512, 512) for _ in range(4)])
            self.out = L.Linear(512, 10)

    def forward(self, x):
        for layer in self.layers:
            x = gelu(layer(x))
        return self.out(x)


class LSTM(chainer.Chain):
    def __init__(self, n_in=256, n=256, steps=8):
        super().__init__()
        self.n, self.steps = n, steps
        with self.init_scope():
            self.gates = L.Linear(n_in + n, 4 * n)
            self.out = L.Linear(n, 10)

    def forward(self, xs):
        h = chainer.Variable(numpy.zeros((xs.shape[0], self.n), 'float32'))
        c = chainer.Variable(numpy.zeros((xs.shape[0], self.n), 'float32'))
        for s in range(self.steps):
            i, f, o, g = F.split_axis(self.gates(F.concat((xs[:, s], h), axis=1)), 4, axis=1)
            c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
            h = F.sigmoid(o) * F.tanh(c)
        return self.out(h)


def kernel_counts(show):
    rng = numpy.random.default_rng(0)
    t = rng.integers(0, 10, 64).astype('int32')
    for name, model, x in (
            ('gelu_mlp', GeluMLP(), rng.standard_normal((64, 512)).astype('float32')),
            ('lstm_cell x8', LSTM(), rng.standard_normal((64, 8, 256)).astype('float32'))):
        c = compile_training(trace(L.Classifier(model), x, t).graph)
        fk, bk = len(c.forward_plan.kernels), len(c.backward_plan.kernels)
        print(f'{name:14s} fused kernels: forward {fk}, backward {bk}; steps per run: '
              f'forward {c.forward_plan.n_kernels}, backward {c.backward_plan.n_kernels}')
        if show:
            print(c.forward_plan)
            print(c.backward_plan)


CHILD = '''
import time, numpy, chainfuse as chainer, chainfuse.functions as F, chainfuse.links as L
t0 = time.perf_counter()
import numba  # the compiler's backend; imported here so its start-up is counted
class MLP(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1, self.l2, self.l3 = L.Linear(784, 100), L.Linear(100, 100), L.Linear(100, 10)
    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))
from chainfuse.tracer import trace
from chainfuse.compiler import compile_training
x = numpy.zeros((100, 784), 'float32'); t = numpy.zeros(100, 'int32')
t1 = time.perf_counter()
c = compile_training(trace(L.Classifier(MLP()), x, t).graph)
t2 = time.perf_counter()
print(f'{t2 - t0:.3f} {t2 - t1:.3f}')
'''


def compile_times():
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, CHAINFUSE_CACHE_DIR=cache)
        for label in ('cold', 'warm'):
            out = subprocess.run([sys.executable, '-c', CHILD], env=env, capture_output=True,
                                 text=True, check=True).stdout.split()
            print(f'MNIST MLP trace+compile, {label} cache: {float(out[1]):.3f} s '
                  f'({float(out[0]):.3f} s including Numba start-up)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--show', action='store_true')
    args = parser.parse_args()
    t = time.perf_counter()
    kernel_counts(args.show)
    compile_times()

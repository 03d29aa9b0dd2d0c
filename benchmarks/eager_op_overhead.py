"""Per-op cost of eager dispatch: ``FunctionNode.apply`` on tiny arrays, where the
Python around the op dominates (graph recording on, then a backward pass).

    python benchmarks/eager_op_overhead.py [--ops 20000] [--repeat 7]

prints the best-of-`repeat` nanoseconds per forward op and per op of forward plus
backward.  To compare two versions of chainfuse, run it under each one's PYTHONPATH
in turn (A B A B ...) and compare medians: this machine is noisy.
"""
import argparse
import time

import numpy

import chainfuse as cf
import chainfuse.functions as F


def chain(x, n):
    h = x
    for _ in range(n):
        h = F.relu(h + x)
    return h


def best_ns_per_op(fn, n_ops, repeat):
    best = float('inf')
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best / n_ops * 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--ops', type=int, default=20000)
    parser.add_argument('--repeat', type=int, default=7)
    args = parser.parse_args()
    x = cf.Variable(numpy.ones((4,), numpy.float32))
    n = args.ops // 2          # each link of the chain is two ops (add, relu)

    def forward():
        chain(x, n)

    def forward_backward():
        y = F.sum(chain(x, n // 10))
        y.backward()

    fwd = best_ns_per_op(forward, 2 * n, args.repeat)
    fwd_bwd = best_ns_per_op(forward_backward, 2 * (n // 10), args.repeat)
    print(f'forward {fwd:.0f} ns/op  forward+backward {fwd_bwd:.0f} ns/op')


if __name__ == '__main__':
    main()

"""What the function-hook check costs eager code when no hook is registered.

    python benchmarks/function_hook_overhead.py [--rounds 400]

`FunctionNode.apply` and the backward loop (`core.backprop._run`) each test one global
flag per node (`chainfuse.function_hook`).  This runs a chain of tiny ops (add, relu:
Python overhead dominates) forward, and forward plus backward, with the shipped
functions and with copies of them that have the check cut out (rebuilt from their
source), alternating the two in one process for `rounds` short rounds, and prints the
nanoseconds per op (minimum and median over the rounds) and the ratio with/without.
The machine is noisy: the minimum is the figure to read.
"""
import argparse
import inspect
import sys
import textwrap
import time

import numpy

import chainfuse as cf
import chainfuse.functions as F
from chainfuse.core import backprop, function_node

APPLY_CHECK = ('    elif _hooks_on:\n        outputs = self._forward_hooked(in_data)\n', '')
RUN_CHECK = ('''            if _hooks_on:
                gxs = _backward_hooked(node, targets, tuple(gys))
            else:
                gxs = node.backward_accumulate(targets, tuple(gys),
                                               (None,) * len(targets))''',
             '''            gxs = node.backward_accumulate(targets, tuple(gys),
                                           (None,) * len(targets))''')


def without(func, cut):
    """`func` rebuilt from its source with the text `cut[0]` replaced by `cut[1]`."""
    source = textwrap.dedent(inspect.getsource(func))
    if cut[0] not in source:
        sys.exit(f'{func.__qualname__} no longer has the hook check this benchmark cuts out; '
                 'update benchmarks/function_hook_overhead.py')
    namespace = {}
    exec(source.replace(*cut), vars(sys.modules[func.__module__]), namespace)
    return namespace[func.__name__]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=400)
    args = parser.parse_args()
    variants = {'with check': (function_node.FunctionNode.apply, backprop._run),
                'without': (without(function_node.FunctionNode.apply, APPLY_CHECK),
                            without(backprop._run, RUN_CHECK))}
    x = cf.Variable(numpy.ones((4,), numpy.float32))

    def chain(n):
        h = x
        for _ in range(n):
            h = F.relu(h + x)
        return h

    def forward_backward():
        F.sum(chain(40)).backward()

    work = {'forward': (lambda: chain(200), 400), 'forward+backward': (forward_backward, 81)}
    times = {(v, w): [] for v in variants for w in work}
    try:
        for _ in range(args.rounds):
            for v, (apply, run) in variants.items():
                function_node.FunctionNode.apply, backprop._run = apply, run
                for w, (fn, n_ops) in work.items():
                    t0 = time.perf_counter()
                    fn()
                    times[(v, w)].append((time.perf_counter() - t0) / n_ops * 1e9)
    finally:
        function_node.FunctionNode.apply, backprop._run = variants['with check']
    for w in work:
        new, old = sorted(times[('with check', w)]), sorted(times[('without', w)])
        print(f'{w:>16}: min {new[0]:.0f} vs {old[0]:.0f} ns/op (ratio {new[0] / old[0]:.3f}), '
              f'median {new[len(new) // 2]:.0f} vs {old[len(old) // 2]:.0f} '
              f'(ratio {new[len(new) // 2] / old[len(old) // 2]:.3f})  [with check vs without]')


if __name__ == '__main__':
    main()

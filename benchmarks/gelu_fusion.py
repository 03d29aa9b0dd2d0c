"""GELU (tanh form, written from primitive ops) forward+backward on 100x1024 float32:
eager vs compiled, measured side by side in one run (interleaved rounds, best median).

    python benchmarks/gelu_fusion.py
"""
import statistics
import time

import numpy

import chainfuse as cf
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def gelu(x):
    return 0.5 * x * (1.0 + E.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def loss(x):
    return R.sum(gelu(x))


def step(fn, x):
    x.cleargrad()
    y = fn(x)
    y.backward()
    return x.grad


def measure(fn, x, repeat=30):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step(fn, x)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(rounds=5):
    x = cf.Variable(numpy.random.default_rng(0).standard_normal((100, 1024), 'float32'))
    compiled = cf.compile(loss)
    t0 = time.perf_counter()
    g_c = step(compiled, x).copy()
    print(f'trace + compile + first run: {time.perf_counter() - t0:.3f} s')
    g_e = step(loss, x).copy()
    numpy.testing.assert_allclose(g_c, g_e, rtol=1e-5, atol=1e-5)
    best = None
    for r in range(rounds):
        e = measure(loss, x)
        c = measure(compiled, x)
        ratio = e / c
        print(f'round {r}: eager {e * 1e3:.3f} ms  compiled {c * 1e3:.3f} ms  '
              f'speedup {ratio:.2f}x')
        best = ratio if best is None else max(best, ratio)
    entry = compiled.entries[0]
    print(f'kernels: forward {len(entry.compiled.forward_plan.kernels)} fused '
          f'({entry.compiled.forward_plan.n_kernels} steps), backward '
          f'{len(entry.compiled.backward_plan.kernels)} fused '
          f'({entry.compiled.backward_plan.n_kernels} steps)')
    print(f'best-round speedup compiled/eager: {best:.2f}x')


if __name__ == '__main__':
    main()

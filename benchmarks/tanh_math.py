"""float32 tanh in CPU kernels, both ways, measured side by side in one process.

    python -m benchmarks.tanh_math [--models gelu_mlp,lstm_cell] [--rounds 15]
    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python -m benchmarks.tanh_math   # steadier

Kernels compute float32 tanh with numpy's table algorithm by default, equal to eager
bit for bit, or with a rational approximation under ``CHAINFUSE_FAST_MATH=1`` (see
`chainfuse.compiler.codegen.cpu_math`).  For each model of `benchmarks.specs` this
builds, from the same weights, cf-eager and cf-compiled and cf-step once with each
tanh (the variable is read when a kernel is generated, so both kinds of kernel live in
one process), takes the first losses, then times them in interleaved rounds (the order
rotates) and prints each one's step time (median and best round) and the ratio table /
fast (median over rounds with quartiles, and of the best rounds).  First, a loop of
tanh alone over a (64, 2048) array: table, fast, libm (``math.tanh``), numpy.
"""
import argparse
import contextlib
import math
import os
import statistics
import time

import numpy

import chainfuse
from benchmarks import specs
from benchmarks.adapters.cf import Compiled, Eager, Step


@contextlib.contextmanager
def fast_math(on):
    old = os.environ.get('CHAINFUSE_FAST_MATH')
    os.environ['CHAINFUSE_FAST_MATH'] = '1' if on else '0'
    try:
        yield
    finally:
        if old is None:
            del os.environ['CHAINFUSE_FAST_MATH']
        else:
            os.environ['CHAINFUSE_FAST_MATH'] = old


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def kernel_only(rounds):
    """Median microseconds of tanh over a (64, 2048) float32 array, per variant."""
    import numba
    from chainfuse.compiler.codegen import cpu, cpu_math
    ns = {}
    exec(cpu._PRELUDE + cpu_math._TANH_TABLE + cpu_math._TANH_FAST, ns)
    loops = {}
    for name, f in (('table', ns['_tanh_f32']), ('fast', ns['_tanh_f32_fast']),
                    ('libm', math.tanh)):
        def loop(x, out, f=f):
            for i in range(x.size):
                out[i] = numpy.float32(f(x[i]))
        loops[name] = numba.njit(nogil=True, error_model='numpy')(loop)
    x = (numpy.random.default_rng(0).standard_normal(64 * 2048) * 3).astype('float32')
    out = numpy.empty_like(x)
    runs = {name: (lambda f=f: f(x, out)) for name, f in loops.items()}
    runs['numpy'] = lambda: numpy.tanh(x, out=out)
    for f in runs.values():
        f()
    best = {name: [] for name in runs}
    for _ in range(rounds):
        for name, f in runs.items():
            best[name].append(median_time(f, 50) * 1e6)
    print('tanh of 64x2048 float32, median us over rounds: ' + ', '.join(
        f'{name} {statistics.median(ts):.0f}' for name, ts in best.items()))


def build(model, spec, params, x, t):
    runs = {}
    for fast in (False, True):
        with fast_math(fast):
            for cls in (Eager, Compiled, Step):
                if cls is Eager and fast:
                    continue
                name = cls.framework + ('/fast' if fast else '/table' if cls is not Eager
                                        else '')
                adapter = cls()
                adapter.setup(spec, params, x, t)
                losses = [adapter.step_loss() for _ in range(4)]    # compiles here
                runs[name] = (adapter, losses)
    return runs


def measure(model, rounds):
    spec = specs.MODELS[model]
    params = specs.init_params(spec)
    x, t = specs.make_batch(spec)
    print(f'{model}: {specs.describe(spec)}')
    runs = build(model, spec, params, x, t)
    eager = runs['cf-eager'][1]
    for name, (_, losses) in runs.items():
        diff = max(abs(a - b) for a, b in zip(losses, eager))
        print(f'  {name:20s} first losses ' + ' '.join(f'{v:.7f}' for v in losses) +
              f'   max |diff| from eager {diff:.1e}')
    names = list(runs)
    steps = {}
    for name in names:
        adapter = runs[name][0]
        adapter.step()
        steps[name] = max(3, int(0.15 / max(median_time(adapter.step, 3), 1e-6)))
    times = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            times[name].append(median_time(runs[name][0].step, steps[name]))
    for name in names:
        print(f'  {name:20s} step ms: median {statistics.median(times[name]) * 1e3:8.2f}, '
              f'best round {min(times[name]) * 1e3:8.2f}')
    for kind in ('cf-compiled', 'cf-step'):
        table, fast = times[kind + '/table'], times[kind + '/fast']
        ratios = sorted(a / b for a, b in zip(table, fast))
        print(f'  {kind}: table / fast step time: median of rounds '
              f'{statistics.median(ratios):.3f} (quartiles {ratios[len(ratios) // 4]:.3f}'
              f'..{ratios[3 * len(ratios) // 4]:.3f}), best rounds {min(table) / min(fast):.3f}')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--models', default='gelu_mlp,lstm_cell',
                   help='comma-separated, from: ' + ', '.join(specs.MODELS))
    p.add_argument('--rounds', type=int, default=15)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    print(f'chainfuse {chainfuse.__version__}, numpy {numpy.__version__}')
    kernel_only(args.rounds)
    for model in args.models.split(','):
        measure(model.strip(), args.rounds)


if __name__ == '__main__':
    main()

"""Where a suite model's compiled-step compile time goes, in this process.

Builds a model of `benchmarks.specs` as the suite's ``cf-step`` (or ``cf-step-native``)
adapter does, runs two steps (the first runs eagerly: the optimizer state is created
then; the second traces and compiles), and prints chainfuse's own
``stats['compile_time']``, the trace's share of it, and for every Numba function that
was compiled or loaded: the seconds of Numba's pipeline (its per-pass timers, from the
overload's ``metadata['pipeline_times']``; a load from the disk cache has none), and
the passes that cost most over all functions.  Run it twice on the same
``CHAINFUSE_CACHE_DIR`` (cold: an empty one; warm: the same one again, a new process)::

    CHAINFUSE_CACHE_DIR=$(mktemp -d) python -m benchmarks.compile_breakdown mlp50_adam
    CHAINFUSE_CACHE_DIR=<same> python -m benchmarks.compile_breakdown mlp50_adam
    ... --native    segments on (CHAINFUSE_NATIVE_SEGMENTS=1)

Timings are wall-clock: on a shared machine, compare runs made side by side.
"""
import argparse
import collections
import gc
import time


def _numba_functions():
    """(module, name, overloads) of every chainfuse-generated Numba dispatcher alive."""
    from numba.core.registry import CPUDispatcher
    for o in gc.get_objects():
        if isinstance(o, CPUDispatcher) and o.py_func.__module__.startswith('chainfuse_'):
            yield o.py_func.__module__, o.py_func.__name__, list(o.overloads.values())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model')
    parser.add_argument('--native', action='store_true', help='native segments on')
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    from benchmarks import specs
    from benchmarks.adapters import cf
    from chainfuse.runtime import step as step_module
    traced = []
    strategy = step_module.TrainingStep
    original = strategy.trace

    def timed_trace(self, *a):
        start = time.perf_counter()
        try:
            return original(self, *a)
        finally:
            traced.append(time.perf_counter() - start)
    strategy.trace = timed_trace
    spec = specs.MODELS[args.model]
    adapter = (cf.StepNative if args.native else cf.Step)()
    adapter.setup(spec, specs.init_params(spec), *specs.make_batch(spec))
    t1 = time.perf_counter()
    adapter.step()
    adapter.step()
    print(f'{args.model}{" (native segments)" if args.native else ""}: import + setup '
          f'{t1 - t0:.3f} s, compile_time {adapter.fn.stats["compile_time"]:.3f} s '
          f'(trace {sum(traced):.3f} s)')
    passes = collections.Counter()
    for module, name, overloads in sorted(_numba_functions()):
        for cres in overloads:
            times = (cres.metadata or {}).get('pipeline_times', {})
            total = 0.0
            for per_pass in times.values():
                for key, t in per_pass.items():
                    seconds = t.init + t.run + t.finalize
                    passes[key.split('_', 1)[-1]] += seconds
                    total += seconds
            llvm = (cres.metadata or {}).get('timers', {}).get('llvm_lock', 0.0)
            what = f'compiled {total:.3f} s (LLVM {llvm:.3f} s)' if times else 'loaded'
            print(f'  {name[:48]:48s} {what}')
    if passes:
        print('  Numba passes, over all functions:')
        for key, seconds in passes.most_common(6):
            print(f'    {key:32s} {seconds:.3f} s')


if __name__ == '__main__':
    main()

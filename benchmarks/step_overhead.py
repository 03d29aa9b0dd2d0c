"""What a compiled training step costs around its plan, at small batches (where it shows).

For the suite's small models (`benchmarks.specs`: mlp100_sgd_b1, mlp100_sgd_b8,
mlp50_adam), builds ``chainfuse.compile_step`` as the suite's ``cf-step`` adapter does
and times, interleaved in one process, the CPU time of:

- ``step``: the whole call, ``step(x, t)``;
- ``plan``: the plan alone, on inputs gathered once (``entry.plan(*inputs)``);
- ``gather``: gathering the plan's inputs (`Trace.gather_inputs`);
- ``lookup``: the front end finding the entry (`Frontend._hot_entry`, else the full
  signature + `TraceCache.lookup`), after the strategy's key (``precheck``).

``step - plan`` is what the front end and the runtime add per call.  CPU time of this
thread (``time.thread_time``), the best of many short rounds, so other work on a shared
machine inflates it less than wall time; BLAS threads are left as they are (set
``OPENBLAS_NUM_THREADS=1`` for steadier plan figures)::

    python -m benchmarks.step_overhead [--segments] [--models mlp50_adam,...]
"""
import argparse
import os
import time

MODELS = ('mlp100_sgd_b1', 'mlp100_sgd_b8', 'mlp50_adam')


def _best(fn, rounds=25, number=200):
    best = float('inf')
    for _ in range(rounds):
        t0 = time.thread_time()
        for _ in range(number):
            fn()
        best = min(best, (time.thread_time() - t0) / number)
    return best


def measure(name):
    from benchmarks import specs
    from benchmarks.adapters.cf import Step
    spec = specs.MODELS[name]
    adapter = Step()
    adapter.setup(spec, specs.init_params(spec), *specs.make_batch(spec))
    for _ in range(20):
        adapter.step()
    front = adapter.fn
    (entry,) = front.entries
    args = (adapter.x, adapter.t)
    inputs = entry.trace.gather_inputs(args, {})
    strategy = front.strategy

    hot = getattr(front, '_hot_entry', None)      # absent before the hot path existed

    def lookup():
        key = strategy.precheck(args, {})[0]
        if hot is None or hot(args, {}, key) is None:
            from chainfuse.tracer.guards import signature
            front.cache.lookup((signature(args, {}), key))
    parts = {'step': adapter.step, 'plan': lambda: entry.plan(*inputs),
             'gather': lambda: entry.trace.gather_inputs(args, {}), 'lookup': lookup}
    times = {k: float('inf') for k in parts}
    for _ in range(3):                  # interleaved rounds
        for k, fn in parts.items():
            times[k] = min(times[k], _best(fn))
    return times, entry.plan.n_calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--segments', action='store_true',
                        help='native segments on (CHAINFUSE_NATIVE_SEGMENTS=1)')
    parser.add_argument('--models', default=','.join(MODELS))
    args = parser.parse_args(argv)
    if args.segments:
        os.environ['CHAINFUSE_NATIVE_SEGMENTS'] = '1'
    print(f'{"model":<16}{"step us":>9}{"plan us":>9}{"around":>9}{"gather":>9}'
          f'{"lookup":>9}{"calls":>7}')
    for name in args.models.split(','):
        t, calls = measure(name)
        us = {k: v * 1e6 for k, v in t.items()}
        print(f'{name:<16}{us["step"]:9.1f}{us["plan"]:9.1f}{us["step"] - us["plan"]:9.1f}'
              f'{us["gather"]:9.1f}{us["lookup"]:9.1f}{calls:7d}')


if __name__ == '__main__':
    main()

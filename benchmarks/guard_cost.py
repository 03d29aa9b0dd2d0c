"""What the Python-state guards cost per compiled call, at batch 1 (where it shows).

Times, interleaved in one process, a compiled L.Classifier(MLP 784-100-10) training
call at batch 1 (forward plan, backward plan, SGD update) with its guards as they are
and with the guards switched off (`entry.guards = None`, what the runtime did before
guards existed), and the guard check alone: the fast path (no Link attribute written
since the last check) and the full path (after a write)::

    python benchmarks/guard_cost.py
"""
import time

import numpy

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L


class MLP(cf.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(784, 100)
            self.l2 = L.Linear(100, 10)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


def _best(fn, repeat=7, number=300):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def main():
    model = cf.compile(L.Classifier(MLP()), fallback='raise')
    opt = cf.optimizers.SGD(lr=0.01)
    opt.setup(model)
    x = numpy.random.default_rng(0).standard_normal((1, 784)).astype('float32')
    t = numpy.array([3], 'int32')

    def step():
        opt.update(model, x, t)
    for _ in range(20):
        step()
    state = model._chainfuse_compiled
    (entry,) = state.entries
    guards = entry.guards

    def without():
        entry.guards = None
        step()
        entry.guards = guards
    with_g, without_g = [], []
    for _ in range(3):            # interleaved rounds
        with_g.append(_best(step))
        without_g.append(_best(without))
    fast = _best(guards.check, number=20000)

    def full():
        guards.validated_at = None
        guards.check()
    slow = _best(full, number=20000)
    print(f'guards of this trace: {len(guards)} ({len(guards.attrs)} attributes, '
          f'{len(guards.globals)} globals, {len(guards.configs)} config entries)')
    print(f'guard check, fast path (no attribute written): {fast * 1e6:.2f} us')
    print(f'guard check, full path (after an attribute write): {slow * 1e6:.2f} us')
    print(f'compiled training call at batch 1: {min(with_g) * 1e6:.1f} us with guards, '
          f'{min(without_g) * 1e6:.1f} us without '
          f'(ratio {min(with_g) / min(without_g):.3f})')


if __name__ == '__main__':
    main()

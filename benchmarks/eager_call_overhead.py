"""What eager calls cost per op and per F function call, paired against another checkout.

Recording which user-facing function applied each primitive (`chainfuse.core.calls`)
adds a thread-local read per recorded node and a wrapper per F call.  This times,
on tiny arrays where that overhead shows most, ``x + y`` (one recorded primitive),
``F.relu(x)``, ``L.Linear(4, 3)(x)`` and a 784-100-10 MLP forward + backward at
batch 1, best of several repeats::

    python benchmarks/eager_call_overhead.py                     # this checkout
    python benchmarks/eager_call_overhead.py --vs /work/main -n 5  # paired ratios

With ``--vs`` the cases run in subprocesses, this checkout and the other one in
turn (A B A B ...), and each case prints the median of the per-pair ratios A/B
(other changes between the checkouts count too, and this machine is noisy).

``--isolate`` times the recording itself in one process, interleaved: ``F.relu``
through its wrapper against the function it wraps (``F.relu.__wrapped__``), and
``x + y`` with the thread-local `core.calls.local` against a plain object (what
the recording costs beyond the attribute store).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _best(fn, repeat=7, number=2000):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def measure():
    import numpy

    import chainfuse as cf
    import chainfuse.functions as F
    import chainfuse.links as L

    x = cf.Variable(numpy.ones((2, 4), numpy.float32))
    y = cf.Variable(numpy.ones((2, 4), numpy.float32))
    lin = L.Linear(4, 3)

    class MLP(cf.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(784, 100)
                self.l2 = L.Linear(100, 10)

        def forward(self, v):
            return self.l2(F.relu(self.l1(v)))
    model = L.Classifier(MLP())
    xb = numpy.ones((1, 784), numpy.float32)
    tb = numpy.zeros(1, numpy.int32)

    def step():
        model.cleargrads()
        model(xb, tb).backward()
    return {'x + y': _best(lambda: x + y), 'F.relu': _best(lambda: F.relu(x)),
            'L.Linear': _best(lambda: lin(x)), 'MLP step': _best(step, number=300)}


def isolate(rounds=15):
    import numpy

    import chainfuse as cf
    import chainfuse.functions as F
    from chainfuse.core import function_node

    x = cf.Variable(numpy.ones((2, 4), numpy.float32))
    y = cf.Variable(numpy.ones((2, 4), numpy.float32))

    class Plain:
        call = None
    local, plain = function_node._calls, Plain()

    def add_with(state):
        function_node._calls = state
        return _best(lambda: x + y, repeat=3)
    pairs = {'F.relu wrapper': [], 'x + y thread-local': []}
    for _ in range(rounds):
        pairs['F.relu wrapper'].append((_best(lambda: F.relu(x), repeat=3),
                                        _best(lambda: F.relu.__wrapped__(x), repeat=3)))
        pairs['x + y thread-local'].append((add_with(local), add_with(plain)))
    function_node._calls = local
    for case, rows in pairs.items():
        ratios = [a / b for a, b in rows]
        print(f'{case:20s} with {statistics.median(a for a, _ in rows) * 1e6:7.2f} us  '
              f'without {statistics.median(b for _, b in rows) * 1e6:7.2f} us  ratio median '
              f'{statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--vs', help='the other checkout (its root directory)')
    parser.add_argument('-n', type=int, default=5, help='pairs of runs with --vs')
    parser.add_argument('--json', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--isolate', action='store_true',
                        help='time the recording itself, in this process')
    args = parser.parse_args()
    if not args.json:                 # run directly: this checkout's chainfuse
        sys.path.insert(0, HERE)
    if args.isolate:
        isolate()
        return
    if args.vs is None:
        result = measure()
        if args.json:
            print(json.dumps(result))
        else:
            for case, t in result.items():
                print(f'{case:10s} {t * 1e6:8.2f} us')
        return

    def run(root):
        env = dict(os.environ, PYTHONPATH=root)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), '--json'], env=env,
                             cwd=root, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)
    ratios = {}
    for _ in range(args.n):
        a, b = run(HERE), run(os.path.abspath(args.vs))
        for case in a:
            ratios.setdefault(case, []).append((a[case], b[case], a[case] / b[case]))
    print(f'A = {HERE}, B = {os.path.abspath(args.vs)}; {args.n} pairs, best of 7 each')
    for case, rows in ratios.items():
        print(f'{case:10s} A {statistics.median(r[0] for r in rows) * 1e6:8.2f} us  '
              f'B {statistics.median(r[1] for r in rows) * 1e6:8.2f} us  '
              f'A/B median {statistics.median(r[2] for r in rows):.3f} '
              f'(min {min(r[2] for r in rows):.3f}, max {max(r[2] for r in rows):.3f})')


if __name__ == '__main__':
    main()

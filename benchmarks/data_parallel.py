"""Data-parallel training throughput: 1 and 2 MPI processes, eager and compiled.

A 784-1000-1000-10 MLP with AdaGrad, a fixed batch per process (weak scaling, as
ChainerMN runs: N processes train on N times the samples per step).  Prints samples/s,
the scaling efficiency (samples/s with N / (N x samples/s with 1)), and the gradient
bytes and collective calls one process makes per step::

    python benchmarks/data_parallel.py                 # launches mpiexec -n 1 and -n 2
    python benchmarks/data_parallel.py --batch 128 --steps 30

Every process runs with OMP/OPENBLAS/MKL threads = 1, so N processes use N cores; on a
machine with few cores the processes compete with each other (and anything else).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy

THREADS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMBA_NUM_THREADS')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--batch', type=int, default=128, help='samples per process per step')
    p.add_argument('--steps', type=int, default=30, help='timed steps (after 3 warm-up)')
    p.add_argument('--procs', default='1,2')
    p.add_argument('--worker', choices=('eager', 'compiled'), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def worker(args):
    import chainfuse as chainer
    import chainfuse.functions as F
    import chainfuse.links as L
    import chainfuse.mn as chainermn
    comm = chainermn.create_communicator('flat')
    chainer.set_random_seed(0)
    model = L.Classifier(chainer.Sequential(L.Linear(784, 1000), F.relu,
                                            L.Linear(1000, 1000), F.relu, L.Linear(1000, 10)))
    opt = chainermn.create_multi_node_optimizer(chainer.optimizers.AdaGrad(lr=0.01), comm)
    opt.setup(model)
    rng = numpy.random.RandomState(comm.rank)
    x = rng.standard_normal((args.batch, 784)).astype(numpy.float32)
    t = rng.randint(0, 10, args.batch).astype(numpy.int32)
    step = chainer.compile_step(opt, model) if args.worker == 'compiled' else \
        (lambda x, t: opt.update(model, x, t))
    for _ in range(3):
        step(x, t)
    comm.barrier()
    calls, nbytes, waited = comm.allreduce_calls, comm.bytes_allreduced, comm.allreduce_seconds
    start = time.perf_counter()
    for _ in range(args.steps):
        step(x, t)
    comm.barrier()
    seconds = time.perf_counter() - start
    if comm.rank == 0:
        print(json.dumps({'samples_per_s': comm.size * args.batch * args.steps / seconds,
                          'bytes_per_step': (comm.bytes_allreduced - nbytes) / args.steps,
                          'calls_per_step': (comm.allreduce_calls - calls) / args.steps,
                          'allreduce_ms': (comm.allreduce_seconds - waited) * 1e3 / args.steps}))


def mpiexec():
    beside = os.path.join(os.path.dirname(sys.executable), 'mpiexec')
    found = beside if os.path.exists(beside) else shutil.which('mpiexec')
    if found is None:
        raise SystemExit("no mpiexec: pip install -e '.[mpi]'")
    return found


def launch(n, mode, args):
    env = dict(os.environ, **{k: '1' for k in THREADS})
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env['PYTHONPATH'] = root + os.pathsep + env.get('PYTHONPATH', '')
    cmd = [mpiexec(), '-n', str(n), sys.executable, os.path.abspath(__file__), '--worker',
           mode, '--batch', str(args.batch), '--steps', str(args.steps)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    procs = [int(n) for n in args.procs.split(',')]
    print(f'MLP 784-1000-1000-10, AdaGrad, batch {args.batch} per process, {args.steps} steps, '
          f'{os.cpu_count()} cores, 1 BLAS thread per process')
    print(f'{"mode":9} {"procs":>5} {"samples/s":>10} {"efficiency":>10} '
          f'{"MB/step":>8} {"calls/step":>10} {"allreduce ms/step":>17}')
    for mode in ('eager', 'compiled'):
        base = None
        for n in procs:
            r = launch(n, mode, args)
            base = r['samples_per_s'] if base is None else base
            eff = r['samples_per_s'] / (n * base)
            print(f'{mode:9} {n:5d} {r["samples_per_s"]:10.0f} {eff:10.2f} '
                  f'{r["bytes_per_step"] / 1e6:8.2f} {r["calls_per_step"]:10.1f} '
                  f'{r["allreduce_ms"]:17.2f}')


if __name__ == '__main__':
    main()

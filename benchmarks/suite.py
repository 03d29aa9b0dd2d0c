"""Running one model in every framework, interleaved, and collecting raw results.

For one model the parent:

1. starts one worker per framework (its own interpreter, a fresh chainfuse kernel
   cache directory and a fresh TorchInductor cache: compilation here is cold;
   ``--quick`` uses persistent caches instead),
   one after the other: ``setup``, then ``check`` (the first steps from the
   initial weights, timed one by one: compilation happens here, and their losses
   are compared across frameworks);
2. warms every worker up and picks, from its step time, how many steps one timed
   repeat runs;
3. measures in rounds: A B C, B C A, C A B, ... (the order rotates), with the speed
   probes read before and after each measurement;
4. asks each worker for its kernel counts (a separate, untimed step) and its peak
   RSS, and stops it;
5. for cf-compiled and cf-step, starts a second fresh worker on the same kernel
   cache (warm cache) and times its ``check`` again.

Nothing is summarised here (see `benchmarks.summary`): the result of a model is
raw data, ``{framework: {...}}``.
"""
import dataclasses
import os
import sys
import time

from benchmarks import adapters, probe, specs
from benchmarks.pool import Skipped, WorkerFailed, WorkerProcess


@dataclasses.dataclass
class Settings:
    rounds: int = 4
    repeats: int = 5
    repeat_s: float = 0.2        # target seconds of one timed repeat
    warmup_s: float = 1.0
    warmup_steps: int = 3
    check_steps: int = 4
    max_measure_s: float = 2.0   # fewer repeats (not below 3) for slow steps
    warm_compile: bool = True    # the second, warm-cache process of cf-compiled/cf-step
    cold_caches: bool = True     # fresh kernel caches (else PERSISTENT_CACHE, as found)
    timeout_s: int = 900


FULL = Settings()
QUICK = Settings(rounds=2, repeats=3, repeat_s=0.06, warmup_s=0.2, warmup_steps=1,
                 max_measure_s=0.5, warm_compile=False, cold_caches=False)
PERSISTENT_CACHE = os.path.join(os.path.expanduser('~'), '.cache', 'chainfuse-bench')


class ModelRun:
    """The workers of one model and what they reported (see the module doc)."""

    def __init__(self, model, frameworks, settings, pythons, workdir, log=print):
        self.model, self.frameworks, self.s = model, frameworks, settings
        self.pythons, self.workdir, self.log = pythons, workdir, log
        self.results = {fw: {'status': 'pending'} for fw in frameworks}
        self.workers = {}
        self.seconds = {}           # phase name -> wall seconds

    # ---- workers ----
    def env(self, fw):
        """Cold: a fresh chainfuse cache per (model, framework) and a fresh TorchInductor
        cache per model; else the persistent ones (compiles are then mostly warm)."""
        env = dict(os.environ)
        env['BENCH_THREADS'] = str(self.pythons.threads)
        if self.s.cold_caches:
            env['CHAINFUSE_CACHE_DIR'] = os.path.join(self.workdir, f'cf-{self.model}-{fw}')
            env['TORCHINDUCTOR_CACHE_DIR'] = os.path.join(self.workdir, f'ind-{self.model}')
        else:
            env['CHAINFUSE_CACHE_DIR'] = os.path.join(PERSISTENT_CACHE, 'chainfuse')
            env['TORCHINDUCTOR_CACHE_DIR'] = os.path.join(PERSISTENT_CACHE, 'inductor')
        return env

    def spawn(self, fw, tag=''):
        """A new worker for `fw`, with ``setup`` sent (its reply not read yet)."""
        python = self.pythons.get(fw)
        if python is None:
            raise Skipped(f'no interpreter given (--peer-python {fw}=PATH)')
        log = os.path.join(self.workdir, f'{self.model}-{fw}{tag}.log')
        worker = WorkerProcess(python, self.env(fw), log, f'{self.model}/{fw}{tag}')
        worker.send('setup', model=self.model, framework=fw, seed=specs.SEED)
        return worker

    def start(self, fw, tag=''):
        """(worker, setup reply, check reply) of a new worker; closed on failure."""
        worker = self.spawn(fw, tag)
        try:
            setup = worker.receive('setup', self.s.timeout_s)
            check = worker.call('check', timeout=self.s.timeout_s, steps=self.s.check_steps)
        except (Skipped, WorkerFailed):
            worker.close()
            raise
        return worker, setup, check

    def fail(self, fw, error):
        self.results[fw].update(status='failed', reason=str(error))
        self.log(f'  {fw}: failed: {error}')
        self.drop(fw)

    def drop(self, fw):
        worker = self.workers.pop(fw, None)
        if worker is not None:
            worker.close()

    def attempt(self, fw, action):
        """Runs ``action()``; a skip or a failure is recorded and the worker closed."""
        try:
            return action()
        except Skipped as e:
            self.results[fw].update(status='skipped', reason=str(e))
            self.log(f'  {fw}: skipped: {e}')
            self.drop(fw)
        except WorkerFailed as e:
            self.fail(fw, e)
        return None

    def record(self, fw, worker, setup, check, t0):
        self.workers[fw] = worker
        self.results[fw].update(status='ok', setup=setup, check=check, rounds=[])
        losses = ' '.join('-' if x is None else f'{x:.6f}' for x in check['losses'])
        self.log(f'  {fw}: ready in {time.perf_counter() - t0:.1f} s, losses {losses}')

    # ---- the phases ----
    def set_up(self):
        for fw in self.frameworks:
            t0 = time.perf_counter()
            self.attempt(fw, lambda fw=fw, t0=t0: self.record(fw, *self.start(fw), t0))

    def warm_up(self):
        for fw, worker in list(self.workers.items()):
            try:
                reply = worker.call('warmup', timeout=self.s.timeout_s,
                                    seconds=self.s.warmup_s, min_steps=self.s.warmup_steps)
            except WorkerFailed as e:
                self.fail(fw, e)
                continue
            step_s = max(reply['step_s'], 1e-7)
            iters = max(1, int(self.s.repeat_s / step_s))
            repeats = max(3, min(self.s.repeats, int(self.s.max_measure_s / (iters * step_s))))
            self.results[fw].update(warmup=reply, iters=iters, repeats=repeats)

    def measure_rounds(self):
        for r in range(self.s.rounds):
            order = list(self.workers)
            k = r % max(1, len(order))
            for fw in order[k:] + order[:k]:
                self.measure_one(fw, r)

    def measure_one(self, fw, r):
        worker = self.workers.get(fw)
        if worker is None:
            return
        before = probe.read()
        try:
            reply = worker.call('measure', timeout=self.s.timeout_s,
                                iters=self.results[fw]['iters'],
                                repeats=self.results[fw]['repeats'])
        except WorkerFailed as e:
            self.fail(fw, e)
            return
        after = probe.read()
        self.results[fw]['rounds'].append({'round': r, 'times': reply['times'],
                                           'probe_before': before, 'probe_after': after})

    def finish(self):
        """Kernel counts and stats; if one fails (they read chainfuse internals), the
        measurements stand and the error is recorded."""
        for fw, worker in list(self.workers.items()):
            for cmd in ('kernels', 'stats'):
                try:
                    reply = worker.call(cmd, timeout=self.s.timeout_s)
                    self.results[fw][cmd] = reply['kernels'] if cmd == 'kernels' else reply
                except WorkerFailed as e:
                    self.results[fw][f'{cmd}_error'] = str(e)
                    self.log(f'  {fw}: {cmd} failed: {e}')
            self.drop(fw)

    def warm_compiles(self):
        for fw in adapters.COMPILED:
            if not self.s.warm_compile or self.results.get(fw, {}).get('status') != 'ok':
                continue
            try:
                worker, setup, check = self.start(fw, tag='-warm')
                stats = worker.call('stats')
                worker.close()
            except (Skipped, WorkerFailed) as e:
                self.results[fw]['warm'] = {'error': str(e)}
                continue
            self.results[fw]['warm'] = {'check': check, 'stats': stats,
                                        'setup_s': setup['setup_s']}

    def run(self):
        phases = (self.set_up, self.warm_up, self.measure_rounds, self.finish,
                  self.warm_compiles)
        try:
            for phase in phases:
                t0 = time.perf_counter()
                phase()
                self.seconds[phase.__name__] = time.perf_counter() - t0
        finally:
            for worker in self.workers.values():
                worker.close()
        return self.results


class Pythons:
    """Which interpreter runs which framework: the peers given, else this one."""

    def __init__(self, peers, threads):
        self.peers = dict(peers)
        self.threads = threads

    def get(self, fw):
        if fw in self.peers:
            return self.peers[fw]
        if fw == 'chainer':
            return None    # Chainer 7 lives in its own virtualenv
        return sys.executable

"""One framework training one model, driven by the parent through JSON lines.

    python -m benchmarks.worker        (any interpreter that has numpy)

Commands (see `benchmarks.protocol`), in the order the parent sends them:

    setup    {model, framework, seed}  build it; reply RSS after setup, versions, and
                                       the checksum of the initial weights
    check    {steps}                   that many steps from the initial weights, each
                                       timed on its own (compilation happens here);
                                       reply their losses and seconds
    warmup   {seconds, min_steps}      untimed steps; reply the mean step time
    measure  {iters, repeats}          `repeats` timings of `iters` steps each; reply
                                       seconds per step of each repeat
    kernels                            one more step, counting launches (never timed)
    stats                              peak RSS (ru_maxrss) and compile statistics
    quit
"""
import sys
import time
import traceback

from benchmarks import machine, protocol, specs


COMMANDS = ('setup', 'check', 'warmup', 'measure', 'kernels', 'stats')


class Worker:
    def __init__(self):
        self.adapter = None

    def setup(self, model, framework, seed=specs.SEED):
        from benchmarks import adapters
        try:
            adapter = adapters.load(framework)
        except adapters.Unavailable as e:
            return {'skipped': str(e)}
        spec = specs.MODELS[model]
        params = specs.init_params(spec, seed)
        x, t = specs.make_batch(spec, seed)
        t0 = time.perf_counter()
        adapter.setup(spec, params, x, t)
        self.adapter = adapter
        return {'setup_s': time.perf_counter() - t0, 'rss_setup_mb': machine.rss_now_mb(),
                'info': adapter.info(), 'checksum': specs.checksum(params)}

    def check(self, steps):
        losses, seconds = [], []
        for _ in range(steps):
            t0 = time.perf_counter()
            losses.append(self.adapter.step_loss())
            seconds.append(time.perf_counter() - t0)
        return {'losses': losses, 'seconds': seconds}

    def warmup(self, seconds, min_steps):
        n, t0 = 0, time.perf_counter()
        while n < min_steps or time.perf_counter() - t0 < seconds:
            self.adapter.step()
            n += 1
        self.adapter.sync()
        return {'steps': n, 'step_s': (time.perf_counter() - t0) / n}

    def measure(self, iters, repeats):
        step, sync, clock = self.adapter.step, self.adapter.sync, time.perf_counter
        times = []
        for _ in range(repeats):
            t0 = clock()
            for _ in range(iters):
                step()
            sync()
            times.append((clock() - t0) / iters)
        return {'times': times}

    def kernels(self):
        return {'kernels': self.adapter.kernels()}

    def stats(self):
        return {'rss_peak_mb': machine.rss_peak_mb(), 'rss_now_mb': machine.rss_now_mb(),
                'compile': self.adapter.compile_stats()}

    def handle(self, msg):
        cmd = msg.get('cmd')
        args = {k: v for k, v in msg.items() if k != 'cmd'}
        if cmd == 'quit':
            return {'bye': True}
        if cmd not in COMMANDS:
            raise ValueError(f'unknown command {cmd!r}; expected one of {COMMANDS}')
        return getattr(self, cmd)(**args)


def main():
    out = protocol.private_stdout()
    worker = Worker()
    for line in sys.stdin:
        msg = protocol.decode(line)
        try:
            reply = worker.handle(msg)
        except Exception as e:
            reply = {'error': f'{type(e).__name__}: {e}', 'traceback': traceback.format_exc()}
        protocol.send(out, reply)
        if msg['cmd'] == 'quit':
            break


if __name__ == '__main__':
    main()

"""chainfuse in its three modes, on the models of `chain_models`.

- ``cf-eager``: ``optimizer.update(model, x, t)``, plain define-by-run.
- ``cf-compiled``: ``model = chainfuse.compile(model)``, then the same eager call:
  forward and backward run as compiled plans, the optimizer update eagerly.
- ``cf-step``: ``step = chainfuse.compile_step(optimizer)``; ``step(x, t)`` runs
  forward, backward and update as one plan.
- ``cf-step-native``: ``cf-step`` with native segments on (``CHAINFUSE_NATIVE_SEGMENTS=1``,
  `chainfuse.compiler.segments`): runs of plan steps as one Numba function each.
- ``cf-step-ftz``: ``cf-step-native`` with ``chainfuse.set_flush_denormal(True)`` in the
  worker (denormal floats flushed to zero, the numerics mode jax's CPU backend uses;
  every other framework here computes them as IEEE arithmetic does).
"""
import os

from benchmarks.adapters import cf_count
from benchmarks.adapters.chain_models import ChainAdapter


class Eager(ChainAdapter):
    framework = 'cf-eager'

    def setup(self, spec, params, x, t):
        import chainfuse
        self.cf = chainfuse
        self.setup_chain(chainfuse, spec, params, x, t, self.prepare)

    def prepare(self, model):
        return model

    def kernels(self):
        with cf_count.counting() as counts:
            self.step()
        counts['update_ops'] = cf_count.eager_update_ops(self.opt)
        return cf_count.summary(counts)

    def info(self):
        from benchmarks.machine import numpy_info
        import numba
        return dict(numpy_info(), chainfuse=self.cf.__version__, numba=numba.__version__,
                    **{'numba threads': str(numba.config.NUMBA_NUM_THREADS)})


class Compiled(Eager):
    framework = 'cf-compiled'

    def prepare(self, model):
        return self.cf.compile(model)

    def compile_stats(self):
        return cf_count.compile_stats(self.model._chainfuse_compiled)


class Step(Eager):
    framework = 'cf-step'

    def setup(self, spec, params, x, t):
        super().setup(spec, params, x, t)
        self.fn = self.cf.compile_step(self.opt)

    def step(self):
        self.fn(self.x, self.t)

    def step_loss(self):
        return float(self.fn(self.x, self.t).array)

    def kernels(self):
        with cf_count.counting() as counts:
            self.step()
        counts['update_ops'] = 0   # the update is inside the plan
        return cf_count.summary(counts)

    def compile_stats(self):
        return cf_count.compile_stats(self.fn)


class StepNative(Step):
    framework = 'cf-step-native'

    def setup(self, spec, params, x, t):
        os.environ['CHAINFUSE_NATIVE_SEGMENTS'] = '1'    # this worker process only
        super().setup(spec, params, x, t)


class StepFlush(StepNative):
    framework = 'cf-step-ftz'

    def setup(self, spec, params, x, t):
        import chainfuse
        if not chainfuse.set_flush_denormal(True):    # this worker's thread only
            from benchmarks.adapters import Unavailable
            raise Unavailable('flushing denormals needs an x86-64 processor')
        super().setup(spec, params, x, t)

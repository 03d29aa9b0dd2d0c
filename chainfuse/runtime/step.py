"""`compile_step(optimizer, lossfun)`: one plan for forward, backward and update.

The step traced is exactly the eager one::

    loss = lossfun(*args)          # forward (registry ops)
    target.cleargrads()
    loss.backward()                # the vjp rules, applied as ops: recorded too
    optimizer hooks, update rules  # pure step functions run as ops (see UpdateRule)
    return loss

While it is recorded, every parameter and every optimizer state array (Adam's m, v)
is registered with the recorder: reading one makes it an input, and the update rule's
write (`update_state`) makes its new value a *state output*, copied back into the same
array after each run, so the eager optimizer keeps owning its state (switching
between compiled and eager steps, or saving and resuming, is seamless).  The rules'
hyperparameters (Adam's bias-corrected ``alpha_t``, the learning rate) are *hyper*
inputs recomputed from the rule on every call, so changing ``lr`` needs no retrace.
The host-side bookkeeping of an update (``optimizer.t`` and every enabled rule's
``t``) is done by the driver before the plan runs.

The first call of a model whose parameters or optimizer state are not created yet
runs eagerly (it creates them); later calls trace once per signature.  Loss scaling,
post-update hooks and hooks without a traceable form fall back to eager steps.
"""
import time
import warnings

from chainfuse.config import config, using_config
from chainfuse.core import function_node
from chainfuse.core.variable import Variable
from chainfuse.links import link as link_module
from chainfuse.compiler.pipeline import compile_inference
from chainfuse.core.arguments import check_call_arguments
from chainfuse.runtime.compiled import count_kernels, report_stats
from chainfuse.tracer.errors import GraphBreak
from chainfuse.tracer.guards import TraceCache, describe_change, signature, unflatten
from chainfuse.tracer.trace import trace

EAGER = 'eager'
TRACEABLE_HOOKS = ('WeightDecay', 'Lasso', 'GradientClipping', 'GradientHardClipping')


def _hook_key(hook):
    attrs = tuple(sorted((k, v) for k, v in vars(hook).items()
                         if isinstance(v, (int, float, str, bool, type(None)))))
    return (type(hook).__name__, attrs)


class StepEntry:
    def __init__(self, tr, compiled, reason, seconds):
        self.trace = tr
        self.compiled = compiled
        self.reason = reason
        self.compile_seconds = seconds
        self.calls = 0
        self.plan = compiled.plan
        self.plans = [compiled.plan]
        g = compiled.plan.graph
        self.index = {kind: [i for i, (_, k, _) in enumerate(g.outputs) if k == kind]
                      for kind in ('result', 'report', 'state', 'grad')}
        self.grad_params = [tr.param_of[name] for _, kind, name in g.outputs
                            if kind == 'grad']


class CompiledStep:
    """Calls ``step(*args)`` = one optimizer update on ``lossfun(*args)``; returns the loss."""

    def __init__(self, optimizer, lossfun=None, *, fallback='eager', backend='auto',
                 max_retraces=8):
        if optimizer.target is None:
            raise RuntimeError('compile_step: call optimizer.setup(link) first')
        self.optimizer = optimizer
        self.lossfun = lossfun if lossfun is not None else optimizer.target
        self.fallback = fallback
        self.backend = backend
        self.cache = TraceCache(max_retraces)
        self._params_version = None
        self._param_list = []
        self.breaks = []
        self.stats = {'calls': 0, 'compiled_calls': 0, 'eager_calls': 0, 'fallbacks': 0,
                      'compile_time': 0.0, 'kernels': 0}
        self._warned = set()

    # ---- the eager step (also the body that is traced) ----
    def _body(self, *args, **kwargs):
        opt = self.optimizer
        loss = self.lossfun(*args, **kwargs)
        if opt._use_cleargrads:
            opt.target.cleargrads()
        else:
            opt.target.zerograds()
        loss.backward(loss_scale=opt._loss_scale)
        opt._step(list(opt.target.params()))
        return loss

    def _eager(self, args, kwargs):
        self.stats['eager_calls'] += 1
        loss = self._body(*args, **kwargs)
        return loss

    def _first_step(self, args, kwargs):
        """The step that creates the parameters and optimizer state runs eagerly, and so
        does a compiled model inside it: its training plan would run only this once,
        since every later step runs as one compiled plan (and compiling it costs more
        than the step)."""
        with using_config('compile', False):
            return self._eager(args, kwargs)

    def _params(self):
        """The target's parameters, cached while no Link's structure changes."""
        version = link_module.structure_version()
        if self._params_version != version:
            self._param_list = list(self.optimizer.target.params())
            self._params_version = version
        return self._param_list

    def _optimizer_key(self, params):
        """(key, None) for the optimizer's traceable configuration, or (None, why) when a
        compiled step cannot run it.  Runs every call: one pass over the parameters."""
        opt = self.optimizer
        if opt._loss_scale is not None:
            return None, 'loss scaling'
        if opt._post_update_hooks:
            return None, 'post-update hooks'
        hooks = []
        for hook in opt._pre_update_hooks.values():
            if type(hook).__name__ not in TRACEABLE_HOOKS:
                return None, f'optimizer hook {type(hook).__name__}'
            hooks.append(_hook_key(hook))
        rules = []
        for p in params:
            rule = p.update_rule
            if p._data is None or (rule is not None and rule.enabled and rule.state is None):
                return None, 'first step (parameters or optimizer state not created yet)'
            if rule is None:
                rules.append(id(p))
                continue
            if rule.step is None or rule._pre_update_hooks or rule._post_update_hooks:
                return None, f'update rule {type(rule).__name__} without a traceable step'
            keys, static = rule._eager_config()
            # a trace reads these very objects (it keeps them alive, so ids are unique)
            rules.append((id(p), id(rule), rule.enabled, keys, tuple(sorted(static.items()))))
        return (tuple(rules), tuple(hooks), opt._use_cleargrads), None

    # ---- the call ----
    def __call__(self, *args, **kwargs):
        check_call_arguments(self._name(), args, kwargs)  # as an eager Link call does
        self.stats['calls'] += 1
        if not config.compile or function_node.get_recorder() is not None:
            return self._eager(args, kwargs)
        params = self._params()
        key, why = self._optimizer_key(params)
        if why is not None:
            report_stats(self)
            if why.startswith('first step'):
                return self._first_step(args, kwargs)
            return self._fall_back(None, why, args, kwargs)
        sig = (signature(args, kwargs), key)
        entry = self.cache.lookup(sig)
        if entry is None:
            entry = self._compile(sig, args, kwargs)
        else:
            self.cache.note_hit(sig)
        report_stats(self)
        if entry == EAGER:
            return self._eager(args, kwargs)
        return self._run(entry, params, args, kwargs)

    def _fall_back(self, sig, reason, args, kwargs, location=None):
        self.stats['fallbacks'] += 1
        self.breaks.append((reason, location))
        if sig is not None:
            self.cache.add(sig, EAGER, f'eager fallback: {reason}')
        if (reason, location) not in self._warned:
            self._warned.add((reason, location))
            where = f' at {location}' if location else ''
            warnings.warn(f'compiled training step: running eagerly: {reason}{where}',
                          RuntimeWarning, stacklevel=3)
        return self._eager(args, kwargs) if sig is None else EAGER

    def _miss_reason(self, sig):
        last = self.cache._last_sig
        if last is None or last[0] != sig[0]:
            return describe_change(None if last is None else last[0], sig[0])
        return 'the optimizer or the model changed (parameters, update rules or hooks)'

    def _compile(self, sig, args, kwargs):
        reason = self._miss_reason(sig)
        if not self.cache.can_trace():
            return self._fall_back(sig, f'more than {self.cache.max_retraces} retraces',
                                   args, kwargs)
        t0 = time.perf_counter()
        try:
            tr = self._trace(args, kwargs)
        except GraphBreak as e:
            if self.fallback == 'raise':
                raise
            return self._fall_back(sig, e.reason, args, kwargs, e.location)
        compiled = compile_inference(tr.graph, backend=self.backend)
        seconds = time.perf_counter() - t0
        self.stats['compile_time'] += seconds
        entry = StepEntry(tr, compiled, reason, seconds)
        self.stats['kernels'] += count_kernels(entry)
        self.cache.add(sig, entry, reason)
        return entry

    def _trace(self, args, kwargs):
        """Traces `_body` with parameters and optimizer state registered; leaves the
        model, the optimizer and the grads exactly as they were."""
        opt = self.optimizer
        link = opt.target
        params = list(link.namedparams())
        saved = [(p, p._data.copy(), p._grad_var) for _, p in params]
        states = [(p.update_rule, {k: a.copy() for k, a in p.update_rule.state.items()},
                   p.update_rule.t) for _, p in params if p.update_rule is not None]
        opt_t = opt.t
        param_of = {}

        def register(rec):
            for path, p in params:
                param_of[path] = p
                rec.register_state(p._data, 'param', path, ('param', p),
                                   lambda p=p: p._data)
                rule = p.update_rule
                if rule is None:
                    continue
                for key, a in rule.state.items():
                    rec.register_state(a, 'persistent', f'{path}/{key}',
                                       ('optstate', rule, key),
                                       lambda rule=rule, key=key: rule.state[key])
        try:
            tr = trace(self._body, *args, link=link, name=f'{type(link).__name__}_step',
                       on_start=register, outputs_after=self._grad_outputs(params),
                       **kwargs)
        finally:
            for p, data, grad in saved:
                p._data[...] = data
                p._grad_var = grad
            for rule, st, t in states:
                for k, a in st.items():
                    rule.state[k][...] = a
                rule.t = t
            opt.t = opt_t
        tr.param_of = param_of
        return tr

    @staticmethod
    def _grad_outputs(params):
        def add(rec):
            for path, p in params:
                if p._grad_var is not None:
                    rec.graph.add_output(rec.value_of(p._grad_var, f'grad of {path}'),
                                         'grad', path)
        return add

    def _run(self, entry, params, args, kwargs):
        self.stats['compiled_calls'] += 1
        entry.calls += 1
        opt = self.optimizer
        opt.t += 1
        for p in params:
            rule = p.update_rule
            if rule is not None and rule.enabled:
                rule.t += 1
        tr = entry.trace
        outs = entry.plan(*tr.gather_inputs(args, kwargs))
        index = entry.index
        tr.write_back([outs[i] for i in index['report']], [outs[i] for i in index['state']])
        for p, i in zip(entry.grad_params, index['grad']):
            p._grad_var = Variable(outs[i], requires_grad=False)
        return unflatten(tr.out_tree, [Variable(outs[i], requires_grad=False)
                                       for i in index['result']])

    @property
    def entries(self):
        return [e for e in self.cache.entries.values() if e != EAGER]

    def _name(self):
        return f'step of {type(self.optimizer.target).__name__}'


def compile_step(optimizer, lossfun=None, **options):
    """A callable running ``optimizer.update(lossfun, *args)`` as one compiled plan and
    returning the loss (see the module docstring)."""
    return CompiledStep(optimizer, lossfun, **options)


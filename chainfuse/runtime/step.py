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
from chainfuse.compiler.pipeline import compile_inference
from chainfuse.config import using_config
from chainfuse.core.variable import Variable
from chainfuse.links import link as link_module
from chainfuse.runtime.frontend import Divergence, Entry, Frontend
from chainfuse.tracer.guards import describe_change, flatten, leaf_at
from chainfuse.tracer.trace import trace

TRACEABLE_HOOKS = ('WeightDecay', 'Lasso', 'GradientClipping', 'GradientHardClipping',
                   'GradientLARS')


def _hook_key(hook):
    attrs = tuple(sorted((k, v) for k, v in vars(hook).items()
                         if isinstance(v, (int, float, str, bool, type(None)))))
    return (type(hook).__name__, attrs)


class TrainingStep:
    """The `Frontend` strategy of `compile_step`: traces ``lossfun``, ``backward()`` and
    the optimizer's update as one plan, and writes parameters, optimizer state and
    grads back after every run (module docstring)."""

    def __init__(self, optimizer, lossfun=None):
        if optimizer.target is None:
            raise RuntimeError('compile_step: call optimizer.setup(link) first')
        self.optimizer = optimizer
        self.lossfun = lossfun if lossfun is not None else optimizer.target
        self.link = optimizer.target
        self._params_version = None
        self._param_list = []

    def name(self):
        return f'step of {type(self.optimizer.target).__name__}'

    # ---- the eager step (also the body that is traced) ----
    def _body(self, *args, **kwargs):
        return _eager_step(self.optimizer, self.lossfun, args, kwargs)

    def eager(self, args, kwargs):
        return self._body(*args, **kwargs)

    def precheck(self, args, kwargs):
        """The optimizer's configuration as a cache key, or why this step runs eagerly.

        The step that creates the parameters and optimizer state runs eagerly (quietly),
        and so does a compiled model inside it: its training plan would run only this
        once, since every later step runs as one compiled plan (and compiling it costs
        more than the step)."""
        key, why = self._optimizer_key(self._params())
        if why is not None and why.startswith('first step'):
            return None, why, True
        return key, why, False

    def first_call(self, args, kwargs):
        with using_config('compile', False):
            return self.eager(args, kwargs)

    def before_lookup(self, cache):
        pass

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
            # a trace reads these very objects (it keeps them alive, so ids are unique)
            rules.append((id(p), id(rule), rule.enabled) + rule._config_key())
        return (tuple(rules), tuple(hooks), opt._use_cleargrads), None

    def miss_reason(self, cache, sig):
        last = cache._last_sig
        if last is None or last[0] != sig[0]:
            return describe_change(None if last is None else last[0], sig[0])
        return 'the optimizer or the model changed (parameters, update rules or hooks)'

    def trace(self, args, kwargs, allow_side_effects):
        """Traces `_body` with parameters and optimizer state registered; leaves the
        model, the optimizer and the grads exactly as they were."""
        opt = self.optimizer
        link = opt.target
        params = list(link.namedparams())
        saved = _snapshot(opt)
        param_of = {}
        # a Variable argument that requires grad gets its gradient as eager gives it: a
        # plan output (`_grad_outputs`), added to what it holds by `run`; traced from
        # no gradient, so the output is this step's alone
        arg_vars = _grad_args(args, kwargs)
        arg_grads = [(x, x._grad_var) for _, x in arg_vars]
        for x, _ in arg_grads:
            x._grad_var = None

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
                       on_start=register,
                       outputs_after=self._grad_outputs(params, arg_vars),
                       allow_side_effects=allow_side_effects, **kwargs)
        finally:
            _restore(saved)
            for x, grad in arg_grads:
                x._grad_var = grad
        tr.param_of = param_of
        tr.grad_arg_paths = {_path_name(path): path for path, _ in arg_vars}
        return tr

    @staticmethod
    def _grad_outputs(params, arg_vars):
        def add(rec):
            for path, p in params:
                if p._grad_var is not None:
                    rec.graph.add_output(rec.value_of(p._grad_var, f'grad of {path}'),
                                         'grad', path)
            for path, x in arg_vars:
                if x._grad_var is not None:
                    rec.graph.add_output(rec.value_of(x._grad_var, 'grad of argument'),
                                         'grad', _path_name(path))
        return add

    def compile(self, tr, backend, recompute):
        compiled = compile_inference(tr.graph, backend=backend)
        entry = Entry(tr, compiled, [compiled.plan], 'whole training step', None, 0.0)
        entry.plan = compiled.plan
        g = compiled.plan.graph
        entry.index = {kind: [i for i, (_, k, _) in enumerate(g.outputs) if k == kind]
                       for kind in ('result', 'report', 'state')}
        # 'grad' outputs: a parameter's (named by its path) or an argument's (`_path_name`)
        grads = [(name, i) for i, (_, kind, name) in enumerate(g.outputs) if kind == 'grad']
        entry.grad_params = [(tr.param_of[name], i) for name, i in grads
                             if name in tr.param_of]
        entry.grad_args = [(tr.grad_arg_paths[name], i) for name, i in grads
                           if name not in tr.param_of]
        return entry

    def run(self, entry, args, kwargs):
        opt = self.optimizer
        opt.t += 1
        for p in self._params():
            rule = p.update_rule
            if rule is not None and rule.enabled:
                rule.t += 1
        tr = entry.trace
        keys, entry.first_keys = entry.first_keys, None
        outs = entry.plan(*tr.gather_inputs(args, kwargs, keys))
        index = entry.index
        tr.write_back([outs[i] for i in index['report']], [outs[i] for i in index['state']])
        for p, i in entry.grad_params:
            p._grad_var = Variable(outs[i], requires_grad=False)
        for path, i in entry.grad_args:
            x = leaf_at(args, kwargs, path)         # accumulated, as eager's backward does
            gx = Variable(outs[i], requires_grad=False)
            x._grad_var = gx if x._grad_var is None else x._grad_var + gx
        return tr.finish_call([Variable(outs[i], requires_grad=False)
                               for i in index['result']])

    def run_verified(self, entry, args, kwargs, run):
        """Runs the plan, then the eager step on a copy of the model and optimizer made
        before it from the same random keys, and compares the loss, every parameter and
        every optimizer state; on a difference the step is undone and `Divergence`
        names what differed."""
        from chainfuse import random as cf_random
        rng_state = entry.trace.rng_before_keys if entry.first_keys else \
            cf_random.get_state()
        snapshot = _snapshot(self.optimizer)
        ref_opt, ref_lossfun = _copy_step(self.optimizer, self.lossfun)
        arg_vars = _grad_args(args, kwargs)
        before = [x._grad_var for _, x in arg_vars]
        loss = run(entry, args, kwargs)
        after = cf_random.get_state()
        cf_random.set_state(rng_state)
        # the reference step accumulates into the same argument Variables: it starts
        # from their grads before the run, and the run's grads are put back after it
        kept = [x._grad_var for _, x in arg_vars]
        for (_, x), grad in zip(arg_vars, before):
            x._grad_var = grad
        try:
            ref_loss = _eager_step(ref_opt, ref_lossfun, args, kwargs)
        finally:
            cf_random.set_state(after)
            ref_grads = [x._grad_var for _, x in arg_vars]
            for (_, x), grad in zip(arg_vars, kept):
                x._grad_var = grad
        problems = _step_problems(loss, ref_loss, self.optimizer, ref_opt)
        problems += _arg_grad_problems(arg_vars, kept, ref_grads)
        if not problems:
            return loss
        _restore(snapshot)
        for (_, x), grad in zip(arg_vars, before):
            x._grad_var = grad
        cf_random.set_state(rng_state)
        raise Divergence('compiled and eager steps differ: ' + ', '.join(problems))


class CompiledStep(Frontend):
    """Calls ``step(*args)`` = one optimizer update on ``lossfun(*args)``; returns the
    loss.  The `Frontend` with a `TrainingStep` strategy."""

    def __init__(self, optimizer, lossfun=None, *, fallback='eager', backend='auto',
                 max_retraces=8, allow_side_effects=False, verify=0, dynamic_batch=True):
        strategy = TrainingStep(optimizer, lossfun)
        if verify and not _rebindable(strategy.lossfun, optimizer.target):
            raise ValueError('compile_step(verify=N) runs the step again on a copy of the '
                             'model, so lossfun must be the optimizer\'s target (the '
                             'default) or one of its methods')
        super().__init__(strategy, fallback=fallback, verify=verify, backend=backend,
                         max_retraces=max_retraces, allow_side_effects=allow_side_effects,
                         dynamic_batch=dynamic_batch)

    @property
    def optimizer(self):
        return self.strategy.optimizer

    @property
    def lossfun(self):
        return self.strategy.lossfun


def _grad_args(args, kwargs):
    """[(flatten path, Variable)] of the call's Variable arguments that require grad."""
    return [(path, x) for path, x in flatten((args, kwargs))[0]
            if isinstance(x, Variable) and x.requires_grad]


def _path_name(path):
    """A flatten path as a name: ``args[0]``, ``kwargs['x'][1]``."""
    head = ('args', 'kwargs')[path[0]]
    return head + ''.join(f'[{k!r}]' for k in path[1:])


def _eager_step(opt, lossfun, args, kwargs):
    loss = lossfun(*args, **kwargs)
    if opt._use_cleargrads:
        opt.target.cleargrads()
    else:
        opt.target.zerograds()
    loss.backward(loss_scale=opt._loss_scale)
    opt._step(list(opt.target.params()))
    return loss


def _rebindable(lossfun, target):
    return lossfun is target or getattr(lossfun, '__self__', None) is target


def _copy_step(optimizer, lossfun):
    """Deep copies of the optimizer and its target (graphs of earlier calls detached),
    and `lossfun` bound to the copy."""
    import copy
    from chainfuse.runtime.verify import _copy_link
    target = optimizer.target
    ref_target = _copy_link(target)
    memo = {id(target): ref_target}
    ref_opt = copy.deepcopy(optimizer, memo)
    ref_params = dict(ref_target.namedparams())
    for path, p in target.namedparams():
        # a copied Parameter drops its update rule: copy it (and its state) along, its
        # hyperparameters linked to the copied optimizer's through the shared memo
        ref_params[path].update_rule = copy.deepcopy(p.update_rule, memo)
    if lossfun is target:
        return ref_opt, ref_target
    return ref_opt, getattr(ref_target, lossfun.__name__)


def _snapshot(optimizer):
    """What a step changes: the step counters, parameters, grads and optimizer state."""
    params = list(optimizer.target.params())
    return (optimizer, optimizer.t,
            [(p, None if p._data is None else p._data.copy(), p._grad_var) for p in params],
            [(p.update_rule, {k: a.copy() for k, a in p.update_rule.state.items()},
              p.update_rule.t) for p in params
             if p.update_rule is not None and p.update_rule.state is not None])


def _restore(snapshot):
    optimizer, t, params, rules = snapshot
    optimizer.t = t
    for p, data, grad in params:
        if data is not None:
            p._data[...] = data
        p._grad_var = grad
    for rule, state, rule_t in rules:
        for k, a in state.items():
            rule.state[k][...] = a
        rule.t = rule_t


def _step_problems(loss, ref_loss, optimizer, ref_opt):
    from chainfuse.runtime.verify import _close
    problems = []
    if not _close(loss.array, ref_loss.array, ref_loss.dtype):
        problems.append(f'loss {float(loss.array):.6g} vs eager {float(ref_loss.array):.6g}')
    ref_params = dict(ref_opt.target.namedparams())
    for path, p in optimizer.target.namedparams():
        q = ref_params[path]
        if p._data is not None and not _close(p._data, q._data, q._data.dtype):
            problems.append(f'parameter {path}')
        rule, ref_rule = p.update_rule, q.update_rule
        for key, a in ((rule.state or {}).items() if rule is not None else ()):
            if not _close(a, ref_rule.state[key], a.dtype):
                problems.append(f'optimizer state {path}/{key}')
    return problems


def _arg_grad_problems(arg_vars, grads, ref_grads):
    from chainfuse.runtime.verify import _close
    problems = []
    for (path, _), g, ref in zip(arg_vars, grads, ref_grads):
        if (g is None) != (ref is None) or g is not None and \
                not _close(g.array, ref.array, ref.dtype):
            problems.append(f'gradient of {_path_name(path)}')
    return problems


def compile_step(optimizer, lossfun=None, **options):
    """A callable running ``optimizer.update(lossfun, *args)`` as one compiled plan and
    returning the loss (see the module docstring)."""
    return CompiledStep(optimizer, lossfun, **options)


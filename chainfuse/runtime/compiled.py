"""`chainfuse.compile`: trace a Link or function once per signature and replay plans.

Calling a compiled Link:

1. If compilation is off (``with chainfuse.eager()``, ``config.compile = False``,
   ``CHAINFUSE_DISABLE_COMPILE=1``), or a tracer is recording around this call, or this
   signature fell back before, the original method runs eagerly.
2. The signature (argument shapes/dtypes/devices, non-array values, ``config.train``,
   ``enable_backprop``) selects a compiled entry; a miss traces and compiles, recording
   why (``explain`` prints it).  A `GraphBreak` falls back to eager for that signature
   with one warning naming the reason and the user's line (``fallback='raise'``
   raises); more than ``max_retraces`` traces fall back for every new signature.
3. The forward plan runs.  With backprop, its results are Variables whose creator is
   a `CompiledFunction`: ``backward()`` through it runs the backward plan and hands
   gradients to the parameters (and to inputs that require grad).  State outputs
   (BatchNormalization's running statistics) are written back and reported values
   reported, every call.
"""
import functools
import time
import warnings

from chainfuse.config import config
from chainfuse.core import function_node
from chainfuse.core.arguments import check_call_arguments
from chainfuse.core.function_node import FunctionNode
from chainfuse.core.variable import Variable
from chainfuse.links import link as link_module
from chainfuse.tracer.errors import GraphBreak
from chainfuse.tracer.guards import TraceCache, leaf_at, signature, unflatten
from chainfuse.tracer.trace import trace
from chainfuse.compiler.pipeline import compile_inference, compile_training

EAGER = 'eager'


def report_stats(state, entry):
    """Reports ``compile/time``, ``compile/retraces``, ``compile/kernels`` and
    ``compile/fallbacks`` (for LogReport/PrintReport) when a reporter is active."""
    from chainfuse import reporter
    if not reporter._reporters():
        return
    kernels = 0
    if entry is not None and entry != EAGER:
        plans = getattr(entry, 'plans', None) or ()
        kernels = sum(len(p.kernels) for p in plans)
    reporter.report({'compile/time': state.stats['compile_time'],
                     'compile/retraces': state.cache.retraces,
                     'compile/kernels': kernels,
                     'compile/fallbacks': state.stats['fallbacks']})


class CompiledFunction(FunctionNode):
    """The graph node of one compiled forward call; its backward runs the backward plan."""

    def __init__(self, entry):
        self.entry = entry

    @property
    def label(self):
        return f'CompiledFunction({self.entry.trace.graph.name})'

    def forward(self, inputs):
        entry = self.entry
        outs = entry.compiled.forward_plan(*inputs)
        results, reports, states, saved = entry.split(outs)
        self.saved = saved
        self.fwd_inputs = inputs
        self.side = (reports, states)
        return tuple(results)

    def backward(self, target_input_indexes, grad_outputs):
        if config.enable_backprop:
            raise NotImplementedError(
                f'{self.label}: double backprop through a compiled call is not supported; '
                'run this model eagerly (chainfuse.eager()) to differentiate twice')
        entry = self.entry
        gys = []
        for i, gy in enumerate(grad_outputs):
            aval = entry.result_avals[i]
            gys.append(entry.xp.zeros(aval.shape, aval.dtype) if gy is None else gy._data)
        args = []
        for kind, k in entry.compiled.partition.bwd_sources:
            if kind == 'saved':
                args.append(self.saved[k])
            elif kind == 'input':
                args.append(self.fwd_inputs[k])
            else:
                args.append(gys[entry.grad_seed_results[k]])
        grads = entry.compiled.backward_plan(*args)
        by_input = dict(zip(entry.grad_input_index, grads))
        self.saved = None  # a compiled backward runs once, like retain_graph=False
        return tuple(None if by_input.get(i) is None else Variable(by_input[i],
                                                                     requires_grad=False)
                     for i in target_input_indexes)


class Entry:
    """One compiled signature: its trace and plans, and how outputs map back."""

    def __init__(self, tr, compiled, training, reason, compile_seconds):
        self.trace = tr
        self.compiled = compiled
        self.training = training
        self.reason = reason
        self.compile_seconds = compile_seconds
        self.calls = 0
        self.plans = ([compiled.forward_plan, compiled.backward_plan] if training
                      else [compiled.plan])
        g = tr.graph
        kinds = [k for _, k, _ in g.outputs]
        self.result_avals = [v.aval for v, k, _ in g.outputs if k == 'result']
        self.kinds = kinds
        self.xp = __import__('numpy')
        if training:
            runtime = g.runtime_inputs
            index = {v.name: i for i, v in enumerate(runtime)}
            bwd = compiled.backward_plan.graph
            self.grad_input_index = [index[name] for _, kind, name in bwd.outputs
                                     if kind == 'grad']
            results = [name for _, k, name in g.outputs if k == 'result']
            self.grad_seed_results = [results.index(v.name[len('grad:'):])
                                      for v in bwd.inputs if v.kind == 'grad']

    def split(self, outs):
        results, reports, states, saved = [], [], [], []
        bins = {'result': results, 'report': reports, 'state': states, 'saved': saved}
        plan_graph = (self.compiled.forward_plan if self.training else
                      self.compiled.plan).graph
        for (_, kind, _), a in zip(plan_graph.outputs, outs):
            bins[kind].append(a)
        return results, reports, states, saved


class CompiledCallable:
    """The compiler state of one compiled function or Link method."""

    def __init__(self, fn, link=None, fallback='eager', dynamic_batch=False, recompute='auto',
                 verify=0, backend='auto', max_retraces=8):
        if fallback not in ('eager', 'raise'):
            raise ValueError(f"fallback must be 'eager' or 'raise', got {fallback!r}")
        self.fn = fn
        self.link = link
        self.fallback = fallback
        self.dynamic_batch = dynamic_batch
        self.recompute = recompute
        self.verify = verify
        self.backend = backend
        self.cache = TraceCache(max_retraces)
        self._structure = link_module.structure_version()
        self._stale = None
        self.breaks = []          # (reason, location)
        self.stats = {'calls': 0, 'compiled_calls': 0, 'eager_calls': 0, 'fallbacks': 0,
                      'compile_time': 0.0}
        self._warned = set()
        functools.update_wrapper(self, fn, updated=())

    # ---- the call ----
    def __call__(self, *args, **kwargs):
        check_call_arguments(self._name(), args, kwargs)  # as an eager Link call does
        self.stats['calls'] += 1
        if not config.compile or function_node.get_recorder() is not None:
            return self._eager(args, kwargs)
        if self.link is not None and self._structure != link_module.structure_version():
            self._drop_stale_traces()
        sig = signature(args, kwargs)
        entry = self.cache.lookup(sig)
        if entry is None:
            entry = self._compile(sig, args, kwargs)
        else:
            self.cache.note_hit(sig)
        report_stats(self, entry)
        if entry == EAGER:
            return self._eager(args, kwargs)
        return self._run(entry, args, kwargs)

    def _param_ids(self):
        return frozenset(id(p) for p in self.link.params())

    def _drop_stale_traces(self):
        """Some Link's parameters or children changed: traces made with another set of
        parameter objects than the link has now are dropped (they would read the old
        ones), so the next call retraces."""
        self._structure = link_module.structure_version()
        current = self._param_ids()
        for sig, entry in list(self.cache.entries.items()):
            if entry != EAGER and entry.param_ids != current:
                del self.cache.entries[sig]
                self._stale = "the model's parameters changed since it was traced"

    def _eager(self, args, kwargs):
        self.stats['eager_calls'] += 1
        return self.fn(*args, **kwargs)

    def _compile(self, sig, args, kwargs):
        reason = self.cache.miss_reason(sig)
        if self._stale is not None:
            reason, self._stale = self._stale, None

        if not self.cache.can_trace():
            self._fall_back(sig, f'more than {self.cache.max_retraces} retraces ({reason})',
                            None)
            return EAGER
        t0 = time.perf_counter()
        try:
            tr = trace(self.fn, *args, link=self.link, dynamic_batch=self.dynamic_batch,
                       name=self._name(), **kwargs)
        except GraphBreak as e:
            if self.fallback == 'raise':
                raise
            self._fall_back(sig, e.reason, e.location)
            return EAGER
        training = config.enable_backprop and any(v.requires_grad
                                                  for v in tr.graph.runtime_inputs)
        if training:
            compiled = compile_training(tr.graph, recompute=self.recompute,
                                        backend=self.backend)
        else:
            compiled = compile_inference(tr.graph, backend=self.backend)
        seconds = time.perf_counter() - t0
        self.stats['compile_time'] += seconds
        entry = Entry(tr, compiled, training, reason, seconds)
        if self.link is not None:
            entry.param_ids = self._param_ids()
        self.cache.add(sig, entry, reason)
        return entry

    def _fall_back(self, sig, reason, location):
        self.stats['fallbacks'] += 1
        self.breaks.append((reason, location))
        self.cache.add(sig, EAGER, f'eager fallback: {reason}')
        key = (reason, location)
        if key not in self._warned:
            self._warned.add(key)
            where = f' at {location}' if location else ''
            warnings.warn(f'chainfuse.compile({self._name()}): running eagerly for this '
                          f'signature: {reason}{where}', RuntimeWarning, stacklevel=4)

    def _name(self):
        if self.link is not None:
            return type(self.link).__name__
        return getattr(self.fn, '__name__', 'fn')

    def _run(self, entry, args, kwargs):
        if entry.calls < self.verify:
            return self._run_verified(entry, args, kwargs)
        return self._run_plan(entry, args, kwargs)

    def _run_verified(self, entry, args, kwargs):
        from chainfuse import random as cf_random
        from chainfuse.runtime import verify
        from chainfuse.tracer.trace import _restore_persistents, _snapshot_persistents
        rng_state = cf_random.get_state()
        persistents = _snapshot_persistents(self.link)
        after = None
        out = self._run_plan(entry, args, kwargs, keep=True)
        results, reports = out
        try:
            after = _snapshot_persistents(self.link)
            _restore_persistents(persistents)   # the eager copy starts from the same state
            verify.check(self, entry, args, kwargs, rng_state, results, reports)
        except verify.Divergence as e:
            _restore_persistents(persistents)
            cf_random.set_state(rng_state)
            sig = next(s for s, v in self.cache.entries.items() if v is entry)
            self.cache.entries[sig] = EAGER
            self._fall_back(sig, f'verify: compiled and eager results differ: {e}', None)
            return self._eager(args, kwargs)
        _restore_persistents(after)
        return unflatten(entry.trace.out_tree, list(results))

    def _run_plan(self, entry, args, kwargs, keep=False):
        self.stats['compiled_calls'] += 1
        entry.calls += 1
        tr = entry.trace
        arrays = tr.gather_inputs(args, kwargs)
        if entry.training:
            node = CompiledFunction(entry)
            inputs = self._node_inputs(tr, arrays, args, kwargs)
            results = node.apply(inputs)
            reports, states = node.side
            node.side = None
        else:
            outs = entry.compiled.plan(*arrays)
            results, reports, states, _ = entry.split(outs)
            results = [Variable(a, requires_grad=False) for a in results]
        tr.write_back(reports, states)
        if keep:
            return results, reports
        return unflatten(tr.out_tree, list(results))

    @staticmethod
    def _node_inputs(tr, arrays, args, kwargs):
        """The node's inputs: the Variables that may need gradients, arrays otherwise."""
        out = []
        for src, a in zip(tr.sources, arrays):
            if src[0] == 'param':
                out.append(src[1])
            elif src[0] == 'arg':
                x = leaf_at(args, kwargs, src[1])
                out.append(x if isinstance(x, Variable) else a)
            else:
                out.append(a)
        return out

    # ---- introspection ----
    @property
    def entries(self):
        return [e for e in self.cache.entries.values() if e != EAGER]


def compile(target, *, fallback='eager', dynamic_batch=False, recompute='auto', verify=0,
            backend='auto', max_retraces=8):
    """Compiles a Link (in place: the same object is returned, so its parameters, paths
    and serialization are unchanged) or a function (a wrapper is returned)."""
    if dynamic_batch:
        raise NotImplementedError(
            'compile(dynamic_batch=True) is not implemented yet: every batch size gets its '
            'own trace (the last partial batch of an epoch retraces once)')
    options = dict(fallback=fallback, dynamic_batch=dynamic_batch, recompute=recompute,
                   verify=verify, backend=backend, max_retraces=max_retraces)
    if hasattr(target, 'namedparams'):
        return _compile_link(target, options)
    if not callable(target):
        raise TypeError(f'chainfuse.compile needs a Link or a function, got '
                        f'{type(target).__name__}')
    return CompiledCallable(target, **options)


def _compile_link(link, options):
    cls = type(link)
    if getattr(cls, '_chainfuse_compiled_class', False):
        link._chainfuse_compiled.__init__(link._chainfuse_compiled.fn, link=link, **options)
        return link
    from chainfuse.links.link import Link
    # the user's forward if the class has one, else its own __call__ (old Chainer style)
    method = cls.forward if cls.forward is not Link.forward else cls.__call__
    state = CompiledCallable(functools.partial(method, link), link=link, **options)
    state.__name__ = cls.__name__

    def __call__(self, *args, **kwargs):
        return self._chainfuse_compiled(*args, **kwargs)

    compiled_cls = type(cls.__name__, (cls,), {
        '__call__': __call__, '_chainfuse_compiled_class': True,
        '__module__': cls.__module__, '__qualname__': cls.__qualname__,
        '__reduce_ex__': lambda self, proto: _reduce_compiled(self, proto)})
    link._chainfuse_compiled = state
    link.__class__ = compiled_cls
    return link


def _reduce_compiled(self, proto):
    # pickling/copying a compiled Link gives an eager Link of the original class
    state = dict(self.__dict__)
    state.pop('_chainfuse_compiled', None)
    base = type(self).__mro__[1]
    return (object.__new__, (base,), state)


def eager_call(link):
    """The original (uncompiled) call of a compiled Link."""
    return link._chainfuse_compiled.fn

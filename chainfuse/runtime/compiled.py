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

from chainfuse.config import config
from chainfuse.core.function_node import FunctionNode
from chainfuse.core.variable import Variable
from chainfuse.link_hooks import link_hook as _link_hook
from chainfuse.links import link as link_module
from chainfuse.runtime.frontend import Divergence, Entry, Frontend
from chainfuse.tracer.guards import Eager, leaf_at
from chainfuse.tracer.trace import trace
from chainfuse.compiler.pipeline import compile_inference, compile_training


class CompiledFunction(FunctionNode):
    """The graph node of one compiled forward call; its backward runs the backward plan."""

    def __init__(self, entry):
        self.entry = entry

    @property
    def label(self):
        return f'CompiledFunction({self.entry.trace.graph.name})'

    def partial_output_grads(self):
        return self.entry.partial_results

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
        # saved values stay with the node (as eager nodes keep their inputs), so a second
        # backward() through the same graph accumulates again, as it does eagerly
        grads = entry.compiled.backward_plan(*args)
        by_input = dict(zip(entry.grad_input_index, grads))
        return tuple(None if by_input.get(i) is None else Variable(by_input[i],
                                                                     requires_grad=False)
                     for i in target_input_indexes)


class LinkCall:
    """The `Frontend` strategy of `compile()`: traces one call of a Link method or a
    function.  A call with backprop runs as a `CompiledFunction` node (its backward
    runs the backward plan); Link attributes, reported values and state outputs are
    written back after every run."""

    def __init__(self, fn, link=None):
        self.fn = fn
        self.link = link
        self._structure = link_module.structure_version()
        self._stale = None

    def name(self):
        if self.link is not None:
            return type(self.link).__name__
        return getattr(self.fn, '__name__', 'fn')

    def eager(self, args, kwargs):
        return self.fn(*args, **kwargs)

    def precheck(self, args, kwargs):
        return None, None, False

    def before_lookup(self, cache):
        """Some Link's parameters or children changed: traces made with another set of
        parameter objects than the link has now are dropped (they would read the old
        ones), so the next call retraces."""
        if self.link is None or self._structure == link_module.structure_version():
            return
        self._structure = link_module.structure_version()
        current = self._param_ids()

        def stale(entry):
            if isinstance(entry, Eager) or entry.param_ids == current:
                return False
            self._stale = "the model's parameters changed since it was traced"
            return True
        cache.remove_if(stale)

    def miss_reason(self, cache, sig):
        reason, self._stale = self._stale or cache.miss_reason(sig), None
        return reason

    def _param_ids(self):
        return frozenset(id(p) for p in self.link.params())

    def trace(self, args, kwargs, allow_side_effects):
        return trace(self.fn, *args, link=self.link, name=self.name(),
                     allow_side_effects=allow_side_effects, **kwargs)

    def compile(self, tr, backend, recompute):
        g = tr.graph
        training = config.enable_backprop and any(v.requires_grad for v in g.runtime_inputs)
        if training:
            compiled = compile_training(g, recompute=recompute, backend=backend)
            plans = [compiled.forward_plan, compiled.backward_plan]
        else:
            compiled = compile_inference(g, backend=backend)
            plans = [compiled.plan]
        entry = Entry(tr, compiled, plans, 'training' if training else 'inference',
                      None, 0.0)
        entry.training = training
        entry.xp = plans[0].xp                # the backend's array module
        entry.result_avals = [v.aval for v, k, _ in g.outputs if k == 'result']
        entry.kinds = [k for _, k, _ in plans[0].graph.outputs]
        entry.split = functools.partial(_split, entry.kinds)
        if training:
            index = {v.name: i for i, v in enumerate(g.runtime_inputs)}
            bwd = compiled.backward_plan.graph
            entry.grad_input_index = [index[name] for _, kind, name in bwd.outputs
                                      if kind == 'grad']
            results = [name for _, k, name in g.outputs if k == 'result']
            entry.grad_seed_results = [results.index(v.name[len('grad:'):])
                                       for v in bwd.inputs if v.kind == 'grad']
            used = {v.id for n in g.nodes for v in n.inputs}
            entry.partial_results = tuple(
                f'attribute {name[5:]}' if name.startswith('attr:') else
                f'returned value {name}'
                for v, k, name in g.outputs if k == 'result' and v.id in used and
                v.aval.dtype.kind == 'f')
        if self.link is not None:
            entry.param_ids = self._param_ids()
        return entry

    def run(self, entry, args, kwargs, keep=False):
        tr = entry.trace
        keys, entry.first_keys = entry.first_keys, None
        arrays = tr.gather_inputs(args, kwargs, keys)
        if entry.training:
            node = CompiledFunction(entry)
            inputs = self._node_inputs(tr, arrays, args, kwargs)
            results = node.apply(inputs)
            reports, states = node.side
            node.side = None
        else:
            outs = entry.plans[0](*arrays)
            results, reports, states, _ = entry.split(outs)
            results = [Variable(a, requires_grad=False) for a in results]
        tr.write_back(reports, states)
        if keep:
            return results, reports
        return tr.finish_call(list(results))

    def run_verified(self, entry, args, kwargs, run):
        from chainfuse import random as cf_random
        from chainfuse.runtime import verify
        from chainfuse.tracer.trace import _restore_persistents, _snapshot_persistents
        tr = entry.trace
        # the first run after tracing uses the keys the trace drew (see Trace)
        rng_state = tr.rng_before_keys if entry.first_keys else cf_random.get_state()
        persistents = _snapshot_persistents(self.link)
        results, reports = run(entry, args, kwargs, keep=True)
        try:
            after = _snapshot_persistents(self.link)
            states_after = verify.persistent_arrays(self.link)
            _restore_persistents(persistents)   # the eager copy starts from the same state
            verify.check(self, entry, args, kwargs, rng_state, results, reports,
                         states_after)
        except Divergence as e:
            _restore_persistents(persistents)
            cf_random.set_state(rng_state)
            raise Divergence(f'compiled and eager results differ: {e}') from None
        _restore_persistents(after)
        return entry.trace.finish_call(list(results))

    @staticmethod
    def _node_inputs(tr, arrays, args, kwargs):
        """The node's inputs: the Variables that may need gradients, arrays otherwise."""
        out = []
        for src, a in zip(tr.sources, arrays):
            if src[0] == 'param':
                out.append(src[1])
            elif src[0] == 'attr':
                out.append(src[1].__dict__[src[2]])
            elif src[0] == 'arg':
                x = leaf_at(args, kwargs, src[1])
                out.append(x if isinstance(x, Variable) else a)
            else:
                out.append(a)
        return out


def _split(kinds, outs):
    """A plan's outputs as (results, reports, states, saved) by their kinds."""
    results, reports, states, saved = [], [], [], []
    bins = {'result': results, 'report': reports, 'state': states, 'saved': saved}
    for kind, a in zip(kinds, outs):
        bins[kind].append(a)
    return results, reports, states, saved


class CompiledCallable(Frontend):
    """The compiler state of one compiled function or Link method: the `Frontend` with
    a `LinkCall` strategy."""

    def __init__(self, fn, link=None, fallback='eager', dynamic_batch=True, recompute='auto',
                 verify=0, backend='auto', max_retraces=8, allow_side_effects=False):
        super().__init__(LinkCall(fn, link), fallback=fallback, verify=verify,
                         backend=backend, recompute=recompute, max_retraces=max_retraces,
                         allow_side_effects=allow_side_effects, dynamic_batch=dynamic_batch)
        functools.update_wrapper(self, fn, updated=())

    @property
    def fn(self):
        return self.strategy.fn

    @property
    def link(self):
        return self.strategy.link


def compile(target, *, fallback='eager', dynamic_batch=True, recompute='auto', verify=0,
            backend='auto', max_retraces=8, allow_side_effects=False):
    """Compiles a Link (in place: the same object is returned, so its parameters, paths
    and serialization are unchanged) or a function (a wrapper is returned).

    A compiled call returns what the eager call would have returned, or runs eagerly
    and warns why: Python state the forward reads is guarded (a change retraces),
    Variables it assigns to Link attributes are assigned after every replay, and other
    side effects (``self.n += 1``, ``print``, numpy's or Python's random generators)
    are graph breaks.  ``allow_side_effects=True`` accepts such effects happening only
    while the call is traced.

    ``dynamic_batch=True`` (the default): calls whose array arguments differ only in
    their leading (batch) dimension -- same rank, same other dimensions -- are one
    family.  A new batch size of a known family (an epoch's last, partial batch) is
    traced for that size, so Python code reading the batch size is followed exactly,
    and compiled from the kernels the family has already (they take their sizes at run
    time); it is not counted as a retrace (up to `guards.MAX_BATCH_SIZES` sizes per
    family) and ``explain`` names it ``batch size 100 -> 37``.  ``False``: every new
    shape is a retrace."""
    options = dict(fallback=fallback, dynamic_batch=dynamic_batch, recompute=recompute,
                   verify=verify, backend=backend, max_retraces=max_retraces,
                   allow_side_effects=allow_side_effects)
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
        if _link_hook.active_hooks(self):
            return _hooked_eager_call(self, args, kwargs)
        return self._chainfuse_compiled(*args, **kwargs)

    compiled_cls = type(cls.__name__, (cls,), {
        '__call__': __call__, '_chainfuse_compiled_class': True,
        '__module__': cls.__module__, '__qualname__': cls.__qualname__,
        '__reduce_ex__': lambda self, proto: _reduce_compiled(self, proto)})
    link._chainfuse_compiled = state
    link.__class__ = compiled_cls
    return link


def _hooked_eager_call(link, args, kwargs):
    """A compiled Link with link hooks (its own, or `with hook:` ones) calls them around
    its forward, eagerly: a plan would skip them (one warning per link)."""
    import warnings
    from chainfuse.links.link import Link
    if not link.__dict__.get('_chainfuse_warned_hooks'):
        link.__dict__['_chainfuse_warned_hooks'] = True
        names = ', '.join(type(h).__name__ for h in _link_hook.active_hooks(link))
        warnings.warn(f'compiled {type(link).__name__}: link hooks ({names}) are active on '
                      'it, so it runs eagerly (hooks run around a Python call)',
                      RuntimeWarning, stacklevel=3)
    return Link.__call__(link, *args, **kwargs)


def _reduce_compiled(self, proto):
    # pickling/copying a compiled Link gives an eager Link of the original class
    state = dict(self.__dict__)
    state.pop('_chainfuse_compiled', None)
    base = type(self).__mro__[1]
    return (object.__new__, (base,), state)


def eager_call(link):
    """The original (uncompiled) call of a compiled Link."""
    return link._chainfuse_compiled.fn

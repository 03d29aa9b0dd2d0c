"""``compile(..., verify=N)``: for the first N compiled calls of each signature, also run
the call eagerly on a copy of the model (same parameters, state and random keys) and
compare results, reported values, gradients, the persistent state it leaves (running
statistics) and the Link attributes it sets (``self.loss``, LSTM's ``self.h``).

On a mismatch the report names what diverged and the first node at fault.  The call
is recorded once more, eagerly, and compared with the reference interpreter running
the trace node by node on the same inputs: the first node whose op differs (the call
took another path) or whose output differs (a value baked into the trace, with the
constant it read) is named with its op, shape, source line and largest error.  When
the trace agrees with eager everywhere the plan is at fault (a compiler bug), and the
first plan output that differs is named with the step that computes it.  Then the
signature falls back to eager and a warning carries the report.
"""
import copy

import numpy

from chainfuse import backend
from chainfuse import random as cf_random
from chainfuse.config import no_backprop_mode
from chainfuse.core.variable import Variable
from chainfuse.runtime.frontend import Divergence
from chainfuse.tracer.guards import flatten
from chainfuse.tracer.interpreter import run_graph


def _close(a, b, dtype):
    rtol, atol = (1e-4, 1e-5) if numpy.dtype(dtype).itemsize <= 4 else (1e-9, 1e-12)
    return numpy.allclose(backend.to_cpu(a), backend.to_cpu(b), rtol=rtol, atol=atol)


def _copy_link(link):
    """A deep copy of `link` whose attribute Variables are detached leaves (the graphs
    of earlier calls they hang from are not copied)."""
    memo = {}
    for sub in link.links():
        for value in vars(sub).values():
            if isinstance(value, Variable) and value.creator is not None:
                memo[id(value)] = Variable(value._data.copy(),
                                           requires_grad=value.requires_grad)
    return copy.deepcopy(link, memo)


def _eager_reference(state, args, kwargs, rng_state):
    """Runs the original call on a deep copy of the link with the same random keys;
    returns (result arrays, reported arrays by key, gradients by parameter path)."""
    from chainfuse import reporter
    link = _copy_link(state.link) if state.link is not None else None
    if link is not None:
        link.cleargrads()  # the copy must not start from the gradients the model holds
    fn = state.fn if link is None else type(state.fn)(state.fn.func, link)
    reported = {}

    class Capture(reporter.Reporter):
        def report(self, values, observer=None):   # by key, whoever reports it
            for k, v in values.items():
                reported[k] = backend.to_cpu(v.array if isinstance(v, Variable) else v)
    saved_rng = cf_random.get_state()
    cf_random.set_state(rng_state)
    try:
        with Capture():
            out = fn(*args, **kwargs)
    finally:
        cf_random.set_state(saved_rng)
    leaves = [y for _, y in flatten(out)[0]]
    grads = {}
    if link is not None and leaves and leaves[0].creator is not None:
        y = leaves[0]
        y.grad = y.xp.ones_like(y.array)
        y.backward()
        grads = {path: p.grad for path, p in link.namedparams() if p.grad is not None}
    return [y.array for y in leaves], reported, grads, link


def _state_problems(entry, results, link, ref_link, states_after):
    """The Link attributes the call sets and the persistent state it leaves, compiled
    against the eager copy."""
    if link is None or ref_link is None:
        return []
    problems = []
    paths = {id(sub): path for path, sub in link.namedlinks()}
    ref_links = dict(ref_link.namedlinks())
    for sub, name, kind, payload in entry.trace.effects:
        path = paths.get(id(sub))
        if path is None or kind not in ('result', 'array'):
            continue
        want = getattr(ref_links[path], name, None)
        want = want.array if isinstance(want, Variable) else want
        got = results[payload].array
        if want is None or want.shape != got.shape or not _close(got, want, got.dtype):
            problems.append(f'attribute {path.rstrip("/")}/{name}')
    if states_after is not None:
        ref_states = dict(ref_link.namedpersistents())
        for path, value in states_after.items():
            want = ref_states.get(path)
            if want is not None and not _close(value, want, value.dtype):
                problems.append(f'state {path}')
    return problems


def persistent_arrays(link):
    """{path: copy of the array} of the persistent arrays under `link`."""
    if link is None:
        return {}
    return {path: backend.to_cpu(v).copy() for path, v in link.namedpersistents()
            if isinstance(v, numpy.ndarray) or backend.is_cupy_array(v)}


def check(state, entry, args, kwargs, rng_state, results, reports, states_after=None):
    """Raises Divergence with a description when the compiled call differs from eager."""
    ref, ref_reports, ref_grads, ref_link = _eager_reference(state, args, kwargs, rng_state)
    problems = _state_problems(entry, results, state.link, ref_link, states_after)
    for i, (got, want) in enumerate(zip(results, ref)):
        if not _close(got.array, want, want.dtype):
            problems.append(f'result {i}')
    for (observer, key, _, _), a in zip(entry.trace.reports, reports):
        if key in ref_reports and not _close(a, ref_reports[key], a.dtype):
            problems.append(f'reported {key}')
    if ref_grads and results and results[0].creator is not None:
        grads = _compiled_grads(entry, results[0])
        for path, g in ref_grads.items():
            if path in grads and not _close(grads[path], g, g.dtype):
                problems.append(f'gradient of {path}')
    if problems:
        raise Divergence(', '.join(problems) + _interpreter_verdict(entry, args, kwargs,
                                                                      rng_state, ref, state))


def _compiled_grads(entry, y):
    node = y.creator
    # as the eager reference: ones into the first result, nothing into the others
    gys = [(numpy.ones if i == 0 else numpy.zeros)(a.shape, a.dtype)
           for i, a in enumerate(entry.result_avals)]
    args = [node.saved[k] if kind == 'saved' else node.fwd_inputs[k] if kind == 'input'
            else gys[entry.grad_seed_results[k]]
            for kind, k in entry.compiled.partition.bwd_sources]
    names = [n for _, kind, n in entry.compiled.backward_plan.graph.outputs if kind == 'grad']
    return dict(zip(names, entry.compiled.backward_plan(*args)))


def _interpreter_verdict(entry, args, kwargs, rng_state, ref, state=None):
    saved = cf_random.get_state()
    cf_random.set_state(rng_state)
    try:
        with no_backprop_mode():
            arrays = entry.trace.gather_inputs(args, kwargs)
        seen = []
        outs = run_graph(entry.trace.graph, arrays, on_node=lambda n, o: seen.append(o))
    finally:
        cf_random.set_state(saved)
    results = [a for (_, k, _), a in zip(entry.trace.graph.outputs, outs) if k == 'result']
    if all(_close(a, b, b.dtype) for a, b in zip(results, ref)):
        return ('; the traced graph run by the interpreter agrees with eager, so the '
                'compiled plan diverges (a compiler bug: please report it)' +
                _plan_culprit(entry, arrays, outs))
    culprit = _first_diverging_node(state, entry, args, kwargs, rng_state, seen) \
        if state is not None else ''
    return ('; the traced graph itself disagrees with eager: the call does something the '
            'trace does not record' + culprit)


def _first_diverging_node(state, entry, args, kwargs, rng_state, seen):
    """Records the call again, eagerly, keeping every node's outputs, and names the
    first node of the trace that differs from it."""
    from chainfuse.tracer.trace import trace
    link = _copy_link(state.link) if state.link is not None else None
    fn = state.fn if link is None else type(state.fn)(state.fn.func, link)
    saved = cf_random.get_state()
    cf_random.set_state(rng_state)
    try:
        again = trace(fn, *args, link=link, keep_values=True, **kwargs)
    except Exception as e:          # the eager call itself cannot be recorded now
        return f'; recording the call again failed: {type(e).__name__}: {e}'
    finally:
        cf_random.set_state(saved)
    old, new = entry.trace.graph.nodes, again.graph.nodes
    for i, (a, b) in enumerate(zip(old, new)):
        if a.op.name != b.op.name or a.attrs.keys() != b.attrs.keys() or \
                any(repr(a.attrs[k]) != repr(b.attrs[k]) for k in a.attrs):
            return (f'; first diverging node: #{i} {a.format()} (at {a.loc}) where this '
                    f'call applies {b.op.name} (at {b.loc}): the call took another path, '
                    'decided by something the guards do not see')
        for j, (x, y) in enumerate(zip(seen[i], again.node_values[i])):
            if x.shape != y.shape or not _close(x, y, y.dtype):
                err = 'shape' if x.shape != y.shape else \
                    f'{float(numpy.max(numpy.abs(backend.to_cpu(x) - backend.to_cpu(y)))):.3g}'
                consts = [f'%{v.id}' for v in a.inputs if v.kind == 'const']
                hint = (f'; it reads the constant(s) {", ".join(consts)} captured at trace '
                        'time') if consts else ''
                return (f'; first diverging node: #{i} {a.format()} (at {a.loc}), output '
                        f'{j} of shape {tuple(y.shape)}, max error {err}{hint}')
    if len(old) != len(new):
        return (f'; the trace has {len(old)} nodes where this call applies {len(new)}: '
                'the call took another path')
    return ''


def _plan_culprit(entry, arrays, reference_outs):
    plans = [entry.compiled.plan] if not entry.training else []
    for plan in plans:
        outs = plan(*arrays)
        for (v, kind, name), got, want in zip(plan.graph.outputs, outs, reference_outs):
            if not _close(got, want, want.dtype):
                step = next((st for st in plan.steps if plan.slot_of[v.id] in st.outs), None)
                where = f' computed by step {step.label} ({step.node.loc})' if step else ''
                return f'; first diverging plan output: {kind} {name}{where}'
    return ''

"""``compile(..., verify=N)``: for the first N compiled calls of each signature, also run
the call eagerly on a copy of the model (same parameters, state and random keys) and
compare results, reported values and gradients.

On a mismatch the report says which outputs diverged and whether the reference
interpreter (the traced graph run op by op) agrees with eager — a trace that does not
describe the call — or with the plan — a compiler bug; then the signature falls back
to eager and a warning names the first diverging output.
"""
import copy

import numpy

from chainfuse import backend
from chainfuse import random as cf_random
from chainfuse.config import no_backprop_mode
from chainfuse.core.variable import Variable
from chainfuse.tracer.guards import flatten


class Divergence(Exception):
    pass


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

    def capture(values, observer):
        for k, v in values.items():
            reported[k] = backend.to_cpu(v.array if isinstance(v, Variable) else v)
        return True
    saved_hook, saved_rng = reporter.report_hook, cf_random.get_state()
    reporter.report_hook = capture
    cf_random.set_state(rng_state)
    try:
        out = fn(*args, **kwargs)
    finally:
        reporter.report_hook = saved_hook
        cf_random.set_state(saved_rng)
    leaves = [y for _, y in flatten(out)[0]]
    grads = {}
    if link is not None and leaves and leaves[0].creator is not None:
        y = leaves[0]
        y.grad = y.xp.ones_like(y.array)
        y.backward()
        grads = {path: p.grad for path, p in link.namedparams() if p.grad is not None}
    return [y.array for y in leaves], reported, grads


def check(state, entry, args, kwargs, rng_state, results, reports):
    """Raises Divergence with a description when the compiled call differs from eager."""
    ref, ref_reports, ref_grads = _eager_reference(state, args, kwargs, rng_state)
    problems = []
    for i, (got, want) in enumerate(zip(results, ref)):
        if not _close(got.array, want, want.dtype):
            problems.append(f'result {i}')
    for (observer, key, _), a in zip(entry.trace.reports, reports):
        if key in ref_reports and not _close(a, ref_reports[key], a.dtype):
            problems.append(f'reported {key}')
    if ref_grads and results and results[0].creator is not None:
        grads = _compiled_grads(entry, results[0])
        for path, g in ref_grads.items():
            if path in grads and not _close(grads[path], g, g.dtype):
                problems.append(f'gradient of {path}')
    if problems:
        raise Divergence(', '.join(problems) + _interpreter_verdict(entry, args, kwargs,
                                                                      rng_state, ref))


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


def _interpreter_verdict(entry, args, kwargs, rng_state, ref):
    saved = cf_random.get_state()
    cf_random.set_state(rng_state)
    try:
        with no_backprop_mode():
            arrays = entry.trace.gather_inputs(args, kwargs)
        outs = entry.trace.graph.run(*arrays)
    finally:
        cf_random.set_state(saved)
    results = [a for (_, k, _), a in zip(entry.trace.graph.outputs, outs) if k == 'result']
    if all(_close(a, b, b.dtype) for a, b in zip(results, ref)):
        return ('; the traced graph run by the interpreter agrees with eager, so the '
                'compiled plan diverges (a compiler bug: please report it)')
    return ('; the traced graph itself disagrees with eager: the call does something the '
            'trace does not record')

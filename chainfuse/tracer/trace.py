"""`trace(fn_or_link, *args, **kwargs) -> Trace`: record one call, replay it later.

Tracing runs the user's define-by-run code once, for real, with a `Recorder`
installed.  It leaves no trace on the model: persistent state and chainfuse's random
generator are restored afterwards, and values reported with `chainfuse.report` are
captured as graph outputs instead of being reported.  `Trace.replay(*args)` feeds
new arguments, the parameters' and persistents' current arrays and fresh random
keys to the reference interpreter, writes the state outputs back, reports the
reported values, and returns the results as Variables.
"""
import inspect

import numpy

from chainfuse import backend
from chainfuse import random as cf_random
from chainfuse.core.variable import Variable
from chainfuse.tracer.errors import GraphBreak, TraceError, is_user_file
from chainfuse.tracer.gather import build_gatherer
from chainfuse.tracer.guards import flatten, signature, unflatten
from chainfuse.tracer.python_state import Watcher
from chainfuse.tracer.recorder import Recorder, numpy_conversions


_is_array = backend.is_array


def _call_labels(node_calls):
    """IR node id -> its F call as ``(label, (), {})``, one tuple per call: the label and
    the grouping a function-level graph dump needs.  The recorded calls carry their
    arguments, the traced Variables, whose graph reaches the Recorder and every array
    the trace computed: a Trace holding them kept all of it alive as long as the
    compiled call (2.1 GB for a ResNet50 training step at batch 2, ten times the
    model)."""
    labels = {}
    return {nid: labels.setdefault(id(call), (call[0], (), {}))
            for nid, call in node_calls.items()}


def _callable_and_link(fn):
    if hasattr(fn, 'namedparams') and callable(fn):
        return fn, fn
    owner = getattr(fn, '__self__', None)
    if owner is not None and hasattr(owner, 'namedparams'):
        return fn, owner
    if not callable(fn):
        raise TraceError(f'trace() needs a function or a Link, got {type(fn).__name__}')
    return fn, None


def _arg_names(fn, n):
    target = getattr(fn, 'forward', fn) if hasattr(fn, 'namedparams') else fn
    try:
        params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    star = [p.name for p in params if p.kind == p.VAR_POSITIONAL]
    out = []
    for i in range(n):
        if i < len(names):
            out.append(names[i])
        else:
            out.append(f'{star[0] if star else "arg"}[{i - len(names)}]')
    return out


def _snapshot_persistents(link):
    saved = []
    if link is None or not hasattr(link, 'namedlinks'):
        return saved
    for _, sub in link.namedlinks():
        for attr in sorted(getattr(sub, '_persistent', ())):
            value = getattr(sub, attr, None)
            if _is_array(value):
                saved.append((value, value.copy()))
            else:
                saved.append((sub, attr, value))
    return saved


def _state_arrays(link, lazy, saved):
    """The link's parameter and persistent arrays (the persistents as the snapshot
    `saved` holds them), which a traced call reads as graph inputs and which are
    read-only while it is traced (`Watcher.freeze`; the tracer's own writes,
    `update_state`: BatchNormalization's statistics, an update rule's step, lift the
    mark).  None of a call that initializes lazy parameters (`lazy`): initialization
    writes into parameters that exist already (an LSTM fills its lateral weights gate by
    gate once its input size is known), once, as eager does.  CuPy arrays have no
    read-only mark: a write into one is not caught."""
    if link is None or not hasattr(link, 'params') or lazy:
        return []
    return [p._data for p in link.params(include_uninit=False)] + \
        [entry[0] for entry in saved if len(entry) == 2]


def _write_into_input(error, frozen):
    """A GraphBreak for numpy's refusal to write into an array marked read-only while
    the call is traced (`Watcher.freeze`), at the user's line in the error's
    traceback; None for any other error."""
    if not frozen or not isinstance(error, ValueError) or 'read-only' not in str(error):
        return None
    location, tb = None, error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if is_user_file(filename):
            location = f'{filename}:{tb.tb_lineno}'
        tb = tb.tb_next
    return GraphBreak('an in-place write into an array the call reads as an input (a '
                      'parameter or persistent of the link, a global, a closure variable, '
                      'an array held in a list or dict) would happen only when the call is '
                      'traced, never when it is replayed; compute the new value with '
                      'chainfuse functions, or change the array outside the compiled call',
                      location)


def _restore_persistents(saved):
    for entry in saved:
        if len(entry) == 2:
            array, copy = entry
            backend.get_array_module(array).copyto(array, copy)
        else:
            sub, attr, value = entry
            setattr(sub, attr, value)


def _uninitialized_params(link):
    if link is None or not hasattr(link, 'params'):
        return []
    return [p for p in link.params() if p._data is None]


def _uninitialize(params):
    """After a failed trace: parameters the call created lazily (drawing from numpy's
    generator, which is rewound) are created again by the eager call that follows, so
    that call draws exactly what a plain eager call draws."""
    for p in params:
        p._data = None
        p._grad_var = None


class Trace:
    """A recorded call: its `graph`, how to feed it, and how to give back its results."""

    def __init__(self, graph, recorder, out_tree, sig, link, n_returned=None, guards=None,
                 effects=()):
        self.graph = graph
        self.sources = [recorder.input_sources[v.id] for v in graph.runtime_inputs]
        self.states = recorder.states
        self.reports = recorder.reports
        self.out_tree = out_tree
        self.signature = sig
        self.link = link
        self.n_results = len(graph.outputs_of('result'))
        # results past the returned ones stand for Link attributes (see python_state)
        self.n_returned = self.n_results if n_returned is None else n_returned
        self.guards = guards
        self.effects = list(effects)
        # the traced call drew its random keys (and lazy initializers their numbers) from
        # numpy's global generator as the eager call would: a run of the same call right
        # after the trace takes those keys (`take_trace_keys`), so the generator goes on
        # exactly as in eager mode
        self._trace_keys = list(recorder.keys) or None
        self.rng_before_keys = recorder.first_key_state
        self.node_calls = _call_labels(recorder.node_calls)  # function-level graph dumps
        self._hyper_dtypes = {i: v.dtype for i, v in enumerate(graph.runtime_inputs)
                              if v.kind == 'hyper'}
        self._gather = None
        self.gather_source = None

    def __str__(self):
        return str(self.graph)

    def take_trace_keys(self):
        """The keys the traced call drew (once; None afterwards or if it drew none)."""
        keys, self._trace_keys = self._trace_keys, None
        return keys

    def gather_inputs(self, args, kwargs, keys=None):
        """The arrays to feed `graph.runtime_inputs` for a call with these arguments;
        random keys are drawn fresh unless `keys` gives them (`chainfuse.tracer.gather`
        writes the walk over the sources out as one function, on first use)."""
        if self._gather is None:
            self._gather, self.gather_source = build_gatherer(
                self.sources, self._hyper_dtypes, self.graph.name)
        return self._gather(args, kwargs, keys)

    def split_outputs(self, out_arrays):
        """Splits run results into (results, reports, states) following graph.outputs."""
        results, reports, states = [], [], []
        bins = {'result': results, 'report': reports, 'state': states}
        for (v, kind, name), a in zip(self.graph.outputs, out_arrays):
            if kind in bins:
                bins[kind].append(a)
        return results, reports, states

    def write_back(self, reports, states):
        """Writes state outputs into the persistents and reports the reported values."""
        for (getter, _), a in zip(self.states, states):
            target = getter()
            if a is not target:     # a plan may have updated the state in place
                backend.get_array_module(target).copyto(target, a)
        if self.reports:
            from chainfuse import reporter
            for (observer, key, _, as_array), a in zip(self.reports, reports):
                # an array is reported as numpy's ufuncs give it (0-d: a numpy scalar)
                value = (a[()] if a.ndim == 0 else a) if as_array else \
                    Variable(a, requires_grad=False)
                reporter.report({key: value}, observer)

    def finish_call(self, results):
        """Assigns the Link attributes the call sets (`effects`) from the result Variables
        and returns what the call returns."""
        if self.effects:
            written = set()
            for link, name, kind, payload in self.effects:
                if kind == 'result':
                    value = results[payload]
                elif kind == 'array':
                    value = results[payload]._data
                else:
                    value = payload() if callable(payload) else payload
                setattr(link, name, value)
                written.add((id(link), name))
            if self.guards is not None:
                self.guards.after_effects(written)
        return unflatten(self.out_tree, results[:self.n_returned])

    def replay(self, *args, **kwargs):
        """Runs the graph with the reference interpreter on new arguments."""
        out = self.graph.run(*self.gather_inputs(args, kwargs))
        results, reports, states = self.split_outputs(out)
        self.write_back(reports, states)
        return self.finish_call([Variable(a, requires_grad=False) for a in results])


def trace(fn, *args, name=None, dynamic_batch=False, link=None, on_start=None,
          outputs_after=None, allow_side_effects=False, keep_values=False, **kwargs):
    """Records what ``fn(*args, **kwargs)`` does into a Graph; returns a `Trace`.

    `fn` is a Link (its parameters and persistents become named inputs) or a function
    (pass ``link=`` when the function is a Link's method).  Raises `GraphBreak` where
    the call cannot be recorded faithfully and `TraceError` for unsupported arguments
    or results.  `on_start(recorder)` and `outputs_after(recorder)` let a caller register
    extra state before the call and add outputs after it (the compiled training step).
    The Python state the call reads becomes the trace's `guards`, the Link attributes
    it sets its `effects` (see `chainfuse.tracer.python_state`); the call leaves no
    trace on the model either way.  A GraphBreak carries the guards read up to it.
    """
    call, found = _callable_and_link(fn)
    link = link if link is not None else found
    if name is None:
        name = type(link).__name__ if link is not None else getattr(fn, '__name__', 'fn')
    sig = signature(args, kwargs)
    rec = Recorder(name, link, dynamic_batch=dynamic_batch)
    rec.node_values = [] if keep_values else None     # every node's outputs (verify)
    watcher = Watcher(rec, link, call, allow_side_effects)
    rng_state = cf_random.get_state()
    saved = _snapshot_persistents(link)
    lazy = _uninitialized_params(link)
    names = _arg_names(call, len(args))
    try:
        with rec, numpy_conversions(), watcher:
            if on_start is not None:
                on_start(rec)
            args, kwargs = _bind_arguments(rec, args, kwargs, names)
            for a in _state_arrays(link, lazy, saved):
                watcher.freeze(a)
            try:
                out = call(*args, **kwargs)
            except ValueError as e:
                brk = _write_into_input(e, watcher.frozen)
                if brk is None:
                    raise
                raise brk from e
            leaves, out_tree = flatten(out)
            if not leaves:
                raise TraceError(f'{name} returned {type(out).__name__}: a traced function '
                                 'must return at least one Variable')
            values = [rec.check_output(y, path) for path, y in leaves]
            for (path, _), v in zip(leaves, values):
                rec.graph.add_output(v, 'result', _path_str(path))
            n_returned = len(values)
            effects = watcher.finish(leaves)
            if outputs_after is not None:
                outputs_after(rec)
    except GraphBreak as e:
        watcher.undo()
        e.guards = watcher.guards()
        _uninitialize(lazy)
        cf_random.set_state(rng_state)
        raise
    except BaseException:
        _uninitialize(lazy)
        cf_random.set_state(rng_state)
        raise
    finally:
        watcher.restore()
        _restore_persistents(saved)
    rec.graph.verify()
    tr = Trace(rec.graph, rec, out_tree, sig, link, n_returned, watcher.guards(), effects)
    tr.node_values = rec.node_values
    return tr


def _path_str(path):
    return '.'.join(str(p) for p in path) if path else 'out'


def _bind_arguments(rec, args, kwargs, names):
    """Makes every array argument a graph input; returns the arguments to call with,
    numpy arrays replaced by TracedArray views (so indexing them is recorded and other
    numpy computation on them is a graph break, never a baked constant)."""
    leaves, tree = flatten((args, kwargs))
    call_leaves = []
    for path, x in leaves:
        if isinstance(x, Variable) and x._data is None:
            raise TraceError(f'argument {path} is a Variable without data')
        top = names[path[1]] if path[0] == 0 else path[1]
        rest = ''.join(f'[{p}]' for p in path[2:])
        v = rec.add_input(x, 'data', f'{top}{rest}', ('arg', path))
        if type(x) is numpy.ndarray:
            x = rec._traced_array(x, v)
        call_leaves.append(x)
    return unflatten(tree, call_leaves)


"""The one compile front end: guard -> cache -> trace -> compile -> fall back -> run.

`compile()` (a Link call or a function, and ``@static_graph``) and `compile_step()` (a
whole training step) are the same `Frontend`; what differs is a small *strategy*
object saying what is traced and what is written back after a plan runs:

- `chainfuse.runtime.compiled.LinkCall`: traces one call of a Link method or function;
  training entries run as a `CompiledFunction` node whose backward runs the backward
  plan.
- `chainfuse.runtime.step.TrainingStep`: traces forward, backward and the optimizer
  update as one plan and writes parameters, optimizer state and grads back.

A call:

1. Compilation off (``chainfuse.eager()``, ``config.compile = False``), or a tracer
   already recording around this call: the strategy's eager call runs.  So does a
   call while function hooks are registered (``with TimerHook():``), with a warning:
   a plan has no function nodes for them to see.
2. ``strategy.precheck`` may add to the cache key (the optimizer's configuration) or
   say why this call runs eagerly (the first step, loss scaling...).
3. The signature (array shapes/dtypes, static values, ``config.train``...) and the
   entry's guards on Python state select an `Entry` in the `TraceCache`; a miss
   traces (``strategy.trace``) and compiles (``strategy.compile``), and records why.
   A call like the last one (``f(x, t)`` with arrays of the same shapes and dtypes,
   the same strategy key, the entry's guards holding, the cache unchanged) skips
   building the signature and finds the same entry (`Frontend._hot_entry`).
4. A `GraphBreak` caches an `Eager` marker for that signature and warns once, at the
   user's line (``fallback='raise'`` raises instead).  So does a ``verify`` mismatch.
5. ``strategy.run`` runs the entry's plans and writes back what the strategy owns.

The strategy interface (duck-typed; see the two strategies):

``name()``, ``eager(args, kwargs)``, ``precheck(args, kwargs) -> (key, why, quiet)``
(``quiet``: run ``first_call(args, kwargs)`` eagerly, not counted as a fallback),
``before_lookup(cache)``, ``miss_reason(cache, sig)``,
``trace(args, kwargs, allow_side_effects) -> Trace``,
``compile(trace, backend, recompute) -> Entry``, ``run(entry, args, kwargs)``,
``run_verified(entry, args, kwargs, run)``: runs the entry through ``run`` (the
front end's counted run), compares it with eager and raises `Divergence` after undoing
the call when they differ.
"""
import time

from chainfuse import function_hook
from chainfuse.config import config
from chainfuse.core import tracing
from chainfuse.core.arguments import check_call_arguments
from chainfuse.tracer.errors import GraphBreak, TraceError, warn_at
from chainfuse.tracer.guards import Eager, TraceCache, batch_family, flat_matcher, signature


class Divergence(Exception):
    """Raised by ``strategy.run_verified`` when compiled and eager differ; the call's
    effects are undone by then, and the message names what differed."""


class Entry:
    """One compiled signature: its trace, what the pipeline made of it, and its plans.

    Strategies add the layout of the plan outputs they need (``split``, grad maps)."""

    def __init__(self, tr, compiled, plans, kind, reason, compile_seconds):
        self.trace = tr
        self.compiled = compiled
        self.plans = plans
        self.kind = kind            # 'inference', 'training' or 'whole training step'
        self.reason = reason
        self.compile_seconds = compile_seconds
        self.calls = 0
        self.guards = tr.guards
        self.first_keys = tr.take_trace_keys()     # this very call runs it next

    @property
    def kernels(self):
        return sum(len(p.kernels) for p in self.plans)


class _Hot:
    """The last compiled entry a lookup found, with what `Frontend._hot_entry` checks."""
    __slots__ = ('sig', 'key', 'entry', 'match', 'version')

    @classmethod
    def of(cls, cache, sig, key, entry):
        """A `_Hot` for `entry`, or None when a repeat call could find another entry
        (its signature holds several, which `TraceCache.lookup` tries in order) or its
        signature is not the flat kind `flat_matcher` checks."""
        if isinstance(entry, Eager) or cache.buckets.get(sig) != [entry]:
            return None
        match = flat_matcher(sig if key is None else sig[0])
        if match is None:
            return None
        hot = cls()
        hot.sig, hot.key, hot.entry, hot.match, hot.version = \
            sig, key, entry, match, cache.version
        return hot


class Frontend:
    """The compiler state of one compiled callable (see the module docstring)."""

    def __init__(self, strategy, *, fallback='eager', verify=0, backend='auto',
                 recompute='auto', max_retraces=8, allow_side_effects=False,
                 dynamic_batch=False):
        if fallback not in ('eager', 'raise'):
            raise ValueError(f"fallback must be 'eager' or 'raise', got {fallback!r}")
        self.strategy = strategy
        self.fallback = fallback
        self.verify = verify
        self.backend = backend
        self.recompute = recompute
        self.allow_side_effects = allow_side_effects
        self.dynamic_batch = dynamic_batch
        self.cache = TraceCache(max_retraces)
        self.breaks = []          # (reason, location)
        self.stats = {'calls': 0, 'compiled_calls': 0, 'eager_calls': 0, 'fallbacks': 0,
                      'compile_time': 0.0, 'kernels': 0}
        self._warned = set()
        self._hot = None          # `_Hot`: the entry the last calls ran, for `_hot_entry`

    # ---- the call ----
    def __call__(self, *args, **kwargs):
        strategy = self.strategy
        check_call_arguments(self._name(), args, kwargs)  # as an eager Link call does
        self.stats['calls'] += 1
        if not config.compile or tracing.current() is not None:
            return self._eager(args, kwargs)
        if function_hook.active():
            self._fall_back(None, 'function hooks are registered '
                            f'({", ".join(function_hook.get_function_hooks())}); a compiled '
                            'call has no function nodes for them to see', None)
            return self._eager(args, kwargs)
        key, why, quiet = strategy.precheck(args, kwargs)
        if why is not None:
            self.report_stats()
            if quiet:
                self.stats['eager_calls'] += 1
                return strategy.first_call(args, kwargs)
            self._fall_back(None, why, None)
            return self._eager(args, kwargs)
        strategy.before_lookup(self.cache)
        entry = self._hot_entry(args, kwargs, key)
        if entry is None:
            call_sig = signature(args, kwargs)
            sig = call_sig if key is None else (call_sig, key)
            entry, why = self.cache.lookup(sig)
            if entry is None:
                entry = self._compile(sig, args, kwargs, why, call_sig, key)
            else:
                self.cache.note_hit(sig)
                self._hot = _Hot.of(self.cache, sig, key, entry)
        self.report_stats()
        if isinstance(entry, Eager):
            return self._eager(args, kwargs)
        if entry.calls < self.verify:
            return self._run_verified(entry, args, kwargs)
        return self._run(entry, args, kwargs)

    def _hot_entry(self, args, kwargs, key):
        """The entry of the last looked-up call when this call would find it again:
        the same signature (`flat_matcher`, without building it), the same strategy key,
        its guards holding, and the cache unchanged since (so it is still the one entry
        of its signature).  Else None, and the full lookup runs."""
        hot = self._hot
        if hot is None or hot.version != self.cache.version or hot.key != key or \
                not hot.match(args, kwargs):
            return None
        guards = hot.entry.guards
        if guards is not None and guards.check() is not None:
            return None
        self.cache.note_hit(hot.sig)
        return hot.entry

    def _eager(self, args, kwargs):
        self.stats['eager_calls'] += 1
        return self.strategy.eager(args, kwargs)

    def _compile(self, sig, args, kwargs, why=None, call_sig=None, key=None):
        family = None
        if self.dynamic_batch and call_sig is not None:
            blanked, batch = batch_family(call_sig)
            family = (None if blanked is None else (blanked, key), batch)
        new_batch = None if why or family is None else self.cache.new_batch_size(*family)
        reason = why or new_batch or self.strategy.miss_reason(self.cache, sig)
        if new_batch is None and not self.cache.can_trace():
            return self._fall_back(sig, f'more than {self.cache.max_retraces} retraces '
                                   f'({reason})', None)
        t0 = time.perf_counter()
        try:
            tr = self.strategy.trace(args, kwargs, self.allow_side_effects)
        except GraphBreak as e:
            if self.fallback == 'raise':
                raise
            return self._fall_back(sig, e.reason, e.location, e.guards)
        except TraceError as e:
            # what the call returns (or how it is called) is outside what a plan can
            # express, e.g. an array beside the Variables: eager returns it as it is
            if self.fallback == 'raise':
                raise
            return self._fall_back(sig, str(e), None)
        entry = self.strategy.compile(tr, self.backend, self.recompute)
        entry.reason = reason
        entry.compile_seconds = seconds = time.perf_counter() - t0
        self.stats['compile_time'] += seconds
        self.stats['kernels'] += entry.kernels
        self.cache.add(sig, entry, reason, family, batch_trace=new_batch is not None)
        return entry

    def _fall_back(self, sig, reason, location, guards=None, replacing=None):
        """Runs this signature (under `guards`) eagerly from now on (with no signature:
        just this call), warning once per reason with the user's line as the origin."""
        self.stats['fallbacks'] += 1
        self.breaks.append((reason, location))
        marker = Eager(f'eager fallback: {reason}', guards)
        if replacing is not None:
            self.cache.replace(replacing, marker)
        elif sig is not None:
            self.cache.add(sig, marker, marker.reason)
        key = (reason, location)
        if key not in self._warned:
            self._warned.add(key)
            where = f' at {location}' if location else ''
            scope = ' for this signature' if sig is not None or replacing is not None else ''
            warn_at(f'chainfuse.compile({self._name()}): running eagerly{scope}: '
                    f'{reason}{where}', location)
        return marker

    def _run(self, entry, args, kwargs, **options):
        self.stats['compiled_calls'] += 1
        entry.calls += 1
        return self.strategy.run(entry, args, kwargs, **options)

    def _run_verified(self, entry, args, kwargs):
        try:
            return self.strategy.run_verified(entry, args, kwargs, self._run)
        except Divergence as e:
            self.stats['compiled_calls'] -= 1
            self._fall_back(None, f'verify: {e}', None, entry.guards, replacing=entry)
            return self._eager(args, kwargs)

    def report_stats(self):
        """Reports ``compile/time`` (seconds), ``compile/retraces``, ``compile/kernels``
        and ``compile/fallbacks`` (for LogReport/PrintReport) when a reporter is active.

        All four are running totals of this compiled callable since it was created
        (``compile/kernels`` counts the kernels generated by every compile so far), so
        LogReport shows their last value, not a mean over the interval.
        """
        from chainfuse import reporter
        if not reporter._reporters():
            return
        reporter.report({'compile/time': self.stats['compile_time'],
                         'compile/retraces': self.cache.retraces,
                         'compile/kernels': self.stats['kernels'],
                         'compile/fallbacks': self.stats['fallbacks']})

    # ---- introspection ----
    def _name(self):
        return self.strategy.name()

    @property
    def entries(self):
        return self.cache.entries

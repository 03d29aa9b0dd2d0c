"""`explain(compiled, *args)` and `dump(compiled, dir)`: what the compiler did, and why.

The report lists, for a compiled Link or function: every trace with the reason it was
made ("first call", "x shape (100, 784) -> (37, 784)"), graph breaks with their
source lines, node counts before and after each pass, the partition, every fused
kernel with its ops and generated source (Numba and CUDA), peak planned memory,
compile time and call statistics.  With arguments, it first makes sure the signature
of that call is compiled (running the call once).
"""
import os

from chainfuse.compiler.codegen.cuda import CudaKernelSource
from chainfuse.runtime.frontend import Frontend
from chainfuse.tracer.dot import dump_dot, graph_to_dot, graphs_to_dot
from chainfuse.utils import atomic_write


def _state(compiled):
    if isinstance(compiled, Frontend):
        return compiled
    state = getattr(compiled, '_chainfuse_compiled', None)
    if state is None:
        state = compiled.__dict__.get('_chainfuse_static') if hasattr(compiled, '__dict__') \
            else None
    if state is None:
        raise TypeError(f'{type(compiled).__name__} is not compiled: pass the result of '
                        'chainfuse.compile')
    return state


class Explanation:
    """The report `explain` returns: a summary first, then each trace; generated kernel
    source only with ``source=True``."""

    def __init__(self, state, source=False):
        self.state = state
        self.source = source

    def summary(self):
        s = self.state
        entries = s.cache.entries
        kernels = sum(len(p.kernels) for e in entries for p in e.plans)
        peak = max([p.peak_bytes for e in entries for p in e.plans] + [0])
        lines = [f'chainfuse.compile({s._name()}): {len(s.cache.misses)} trace(s), '
                 f'{s.cache.retraces} retrace(s), {s.stats["fallbacks"]} eager fallback(s), '
                 f'{kernels} fused kernel(s), peak plan memory {peak} bytes',
                 f'calls: {s.stats["calls"]} ({s.stats["compiled_calls"]} compiled, '
                 f'{s.stats["eager_calls"]} eager); compile time '
                 f'{s.stats["compile_time"]:.3f} s']
        plans = [p for e in entries for p in e.plans]
        if plans:
            segments = sum(len(p.segments) for p in plans)
            calls = sum(p.n_calls for p in plans)
            steps = sum(len(p.steps) for p in plans)
            lines.append(f'native segments: {segments}; Python-level calls per run: {calls} '
                         f'for {steps} plan steps (all traces)')
        for k, reason in enumerate(s.cache.misses):
            lines.append(f'trace {k}: {reason}')
        for reason, loc in s.breaks:
            lines.append(f'graph break: {reason}' + (f' at {loc}' if loc else ''))
        return lines

    def __str__(self):
        s = self.state
        lines = self.summary()
        for k, entry in enumerate(s.cache.entries):
            lines.append('')
            lines.append(f'== trace {k}: {entry.reason} ({entry.kind}, {entry.calls} call(s), '
                         f'compiled in {entry.compile_seconds:.3f} s)')
            guards = entry.trace.guards
            if guards is not None and len(guards):
                lines.append('guarded Python state:')
                lines.append(guards.describe())
            lines.append(str(entry.trace.graph).rstrip())
            lines.append(str(entry.compiled.report))
            for plan in entry.plans:
                lines.append(str(plan))
                if self.source:
                    lines += _kernel_sources(plan)
        if not self.source and s.cache.entries:
            lines.append('')
            lines.append('(generated kernel source: chainfuse.explain(model, source=True))')
        return '\n'.join(lines)

    __repr__ = __str__


def _kernel_sources(plan):
    lines = []
    for kernel in plan.kernels:
        reason = kernel.fallback_reason
        lines.append(f'-- {kernel.op.name}: generated CPU source '
                     f'(Numba{", fallback: " + reason if reason else ""})')
        src = kernel.source
        lines.append(src[src.index('@numba.njit(cache=True'):].rstrip())
        lines.append(f'-- {kernel.op.name}: CUDA ElementwiseKernel')
        lines.append(str(CudaKernelSource(kernel.op)))
    return lines


def explain(compiled, *args, source=False, **kwargs):
    """A printable report of what `compiled` traced, fused and planned (module doc);
    ``source=True`` adds every kernel's generated source."""
    state = _state(compiled)
    if args or kwargs:
        compiled(*args, **kwargs)
    return Explanation(state, source)


def latest_entry(compiled):
    """The compiled entry used last (the trace behind the latest call), or None."""
    state = _state(compiled)
    entries = state.cache.entries
    return entries[-1] if entries else None


def graph_dumps(compiled):
    """{'cg_traced.dot': traced IR, 'cg_plan.dot': forward and backward plans} of the
    latest compiled entry of a compiled Link, function or training step."""
    entry = latest_entry(compiled)
    if entry is None:
        return {}
    plans = getattr(entry, 'plans', None) or []
    titles = ['forward', 'backward'] if len(plans) == 2 else ['step']
    parts = [p.dot_part(f'{t}: {p.graph.name}') for t, p in zip(titles, plans)]
    return {'cg_traced.dot': graph_to_dot(entry.trace.graph),
            'cg_plan.dot': graphs_to_dot(f'{entry.trace.graph.name}_plan', parts)}


def dump(compiled, directory):
    """Writes every trace's IR (text and DOT), its plans (text and DOT, kernels as
    clusters), the text and DOT of every compiler pass, and the `explain` report."""
    from chainfuse.compiler.pipeline import compile_inference, compile_training
    state = _state(compiled)
    os.makedirs(directory, exist_ok=True)
    written = []
    for k, entry in enumerate(state.cache.entries):
        base = os.path.join(directory, f'trace{k}')
        atomic_write(base + '.txt', str(entry.trace.graph))
        written.append(dump_dot(entry.trace.graph, base + '.dot'))
        atomic_write(base + '-report.txt', str(entry.compiled.report))
        training = entry.kind == 'training'
        titles = ['forward', 'backward'] if training else ['plan']
        for name, plan in zip(titles, entry.plans):
            atomic_write(f'{base}-{name}-plan.txt', str(plan))
            atomic_write(f'{base}-{name}-plan.dot', plan.to_dot())
            written.append(f'{base}-{name}-plan.dot')
        # the pipeline once more with dumps on: NN-<stage>-<pass>.txt/.dot per pass
        recompile = compile_training if training else compile_inference
        recompile(entry.trace.graph, dump_dir=os.path.join(directory, f'trace{k}-passes'))
    atomic_write(os.path.join(directory, 'explain.txt'), str(Explanation(state, source=True)))
    return written

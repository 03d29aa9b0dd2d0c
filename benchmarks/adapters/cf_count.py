"""Counting what one chainfuse training step launches (a separate pass, never timed).

While `counting()` is active, every `Plan` run adds its steps (``Plan.n_kernels``:
one launch per step, a fused group counting once) and its fused kernels, and every
eager `FunctionNode.apply` outside a plan adds one op application (the
`CompiledFunction` node that wraps a plan is not counted itself).  The eager
optimizer update runs the registry ops' impls on arrays directly, not through
``apply``; `eager_update_ops` counts those by running each rule's pure update once
more on Variables, where every op is an ``apply`` (nothing is written).
"""
import contextlib


@contextlib.contextmanager
def counting():
    from chainfuse.compiler.plan import Plan
    from chainfuse.core.function_node import FunctionNode
    from chainfuse.runtime.compiled import CompiledFunction
    counts = {'plan_runs': 0, 'plan_steps': 0, 'fused_kernels': 0, 'eager_ops': 0}
    apply, call = FunctionNode.apply, Plan.__call__

    def counted_apply(self, inputs):
        if not isinstance(self, CompiledFunction):
            counts['eager_ops'] += 1
        return apply(self, inputs)

    def counted_call(self, *arrays):
        counts['plan_runs'] += 1
        counts['plan_steps'] += self.n_kernels
        counts['fused_kernels'] += len(self.kernels)
        return call(self, *arrays)
    FunctionNode.apply, Plan.__call__ = counted_apply, counted_call
    try:
        yield counts
    finally:
        FunctionNode.apply, Plan.__call__ = apply, call


def eager_update_ops(optimizer):
    """Registry ops one eager `optimizer.update()` applies (on arrays) to all params."""
    from chainfuse import no_backprop_mode
    from chainfuse.core.variable import Variable
    with counting() as counts, no_backprop_mode():
        for p in optimizer.target.params():
            rule = p.update_rule
            if rule is None or not rule.enabled or p.grad is None or rule.step is None:
                continue
            state = {k: Variable(a) for k, a in rule.state.items()}
            rule.pure_update(Variable(p.array), Variable(p.grad), state)
    return counts['eager_ops']


def summary(counts):
    """launches = plan steps + eager op applications (forward, backward, update)."""
    out = dict(counts)
    out['launches'] = counts['plan_steps'] + counts['eager_ops'] + counts['update_ops']
    return out


def compile_stats(state):
    """`state.stats` of a compiled Link or step, with its entries' compile seconds."""
    stats = dict(state.stats)
    stats['entries'] = len(state.entries)
    stats['entry_seconds'] = [e.compile_seconds for e in state.entries]
    stats['breaks'] = [str(reason) for reason, _ in state.breaks]
    return stats

"""Lowering: a Graph becomes a `Plan`'s slots and steps (no memory plan, no kernels).

Every graph value gets a slot (``v<id>`` in the executor); every node becomes one
`Step`:

- a fused group: mode ``'kernel'`` when the backend compiles kernels (it is built after
  the memory plan, which decides what it writes in place), else ``'call'`` of its numpy
  reference ``impl``;
- a lone elementwise op whose op has ``kernel_when_alone`` (``where``): a kernel of one
  op, on a backend that compiles kernels;
- an op with ``writes_out`` (``matmul``): mode ``'out'``, its impl given an array to
  write into;
- anything else: mode ``'call'`` of the op's ``impl``.

Lowering is the first of the pipeline's three back-end passes: ``lower``, then
``plan_memory`` (`chainfuse.compiler.memory`) and ``build`` (`chainfuse.compiler.executor`).
"""
from chainfuse.compiler.backends import select_backend
from chainfuse.compiler.kernel import FusedOp
from chainfuse.compiler.plan import Plan, Step
from chainfuse.ops.registry import CONV, ELEMENTWISE, LINALG


def lower(graph, backend='auto', plan=None):
    """Graph -> Plan with slots and steps.  `backend`: a name, 'auto' or a Backend;
    'auto' chooses from the array module of the graph's constants (numpy when none)."""
    consts = [v.const for v in graph.inputs if v.kind == 'const']
    target = select_backend(consts, backend)
    plan = (plan if plan is not None else Plan.__new__(Plan)).reset(graph, target)
    slot = plan.slot_of
    for v in graph.inputs:
        slot[v.id] = len(plan.slot_names)
        plan.slot_names.append(f'v{v.id}')
    plan.input_slots = [slot[v.id] for v in graph.runtime_inputs]
    plan.beside_blas = any(n.op.kind in (LINALG, CONV) for n in graph.nodes)
    for n in graph.nodes:
        for v in n.outputs:
            slot[v.id] = len(plan.slot_names)
            plan.slot_names.append(f'v{v.id}')
        ins = [slot[v.id] for v in n.inputs]
        outs = [slot[v.id] for v in n.outputs]
        plan.steps.append(_lower_node(n, ins, outs, target))
    plan.output_slots = [slot[v.id] for v, _, _ in graph.outputs]
    return plan


def _lower_node(n, ins, outs, target):
    op = n.op
    fused = getattr(op, 'is_fused', False)
    if target.compiles_kernels:
        if not fused and op.kind == ELEMENTWISE and op.kernel_when_alone:
            op, fused = FusedOp.of_node(n), True
            ins = list(dict.fromkeys(ins))   # of_node takes a repeated input once
        if fused:
            return Step(None, op, ins, outs, n, 'kernel')     # built after memory planning
    if fused:
        return Step(target.impl(op, {}), op, ins, outs, n, 'call')
    mode = 'out' if op.writes_out else 'call'
    return Step(target.impl(op, n.attrs), op, ins, outs, n, mode)

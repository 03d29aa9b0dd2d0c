"""Lowering: a Graph becomes a `Plan`'s slots and steps (no memory plan, no kernels).

Every graph value gets a slot (``v<id>`` in the executor); every node becomes one
`Step`:

- a fused group: mode ``'kernel'`` when the backend compiles kernels (it is built after
  the memory plan, which decides what it writes in place), else ``'call'`` of its numpy
  reference ``impl``;
- a lone elementwise op whose op has ``kernel_when_alone`` (``where``): a kernel of one
  op, on a backend that compiles kernels;
- an op with ``writes_out`` (``matmul``): mode ``'out'``, its impl given an array to
  write into; so is a ``tanh`` the fuse pass left to numpy's loop (`Backend.numpy_tanh`),
  which then writes into a plan buffer instead of a fresh array;
- anything else: mode ``'call'`` of the op's ``impl``.

Lowering is the first of the pipeline's three back-end passes: ``lower``, then
``plan_memory`` (`chainfuse.compiler.memory`) and ``build`` (`chainfuse.compiler.executor`).
"""
from chainfuse.compiler.backends import select_backend
from chainfuse.compiler.kernel import FusedOp
from chainfuse.compiler.plan import Plan, Step
from chainfuse.ops.array import split_sizes
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
    if getattr(target, 'kernel_windows', False):
        _window_inputs(plan)
    return plan


def _window_inputs(plan):
    """Kernel inputs that are pieces of a ``split`` along the last axis read the array
    they were cut from, at an offset (`Step.windows`): a piece is a strided view, which
    a kernel (taking C-contiguous arrays) would otherwise copy first.  An LSTM's gates,
    split from one GEMM's result, go to the cell's kernel without four copies."""
    made_by = {s: step for step in plan.steps for s in step.outs}
    avals = plan.slot_avals
    for step in plan.steps:
        if step.mode != 'kernel':
            continue
        for j, s in enumerate(step.ins):
            src = made_by.get(s)
            if src is None or src.op.name != 'split' or src.mode != 'call':
                continue
            base = avals[src.ins[0]]
            if src.node.attrs['axis'] % base.ndim != base.ndim - 1:
                continue
            piece, shape = step.op.in_avals[j], step.op.shape
            if not shape or piece.ndim == 0 or piece.shape[-1] != shape[-1] or shape[-1] < 2:
                continue        # the piece's last axis must be the kernel's last loop axis
            sizes = split_sizes(base.shape[-1], src.node.attrs['indices'])
            step.windows[j] = sum(sizes[:src.outs.index(s)])
            step.ins[j] = src.ins[0]


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
    if op.name == 'tanh' and target.numpy_tanh(n.outputs[0].aval):
        return Step(_tanh_into(target.xp), op, ins, outs, n, 'out')
    mode = 'out' if op.writes_out else 'call'
    return Step(target.impl(op, n.attrs), op, ins, outs, n, mode)


def _tanh_into(xp):
    def tanh(x, out):
        return xp.tanh(x, out=out)
    return tanh

"""Partition a joint forward+backward graph into a forward graph and a backward graph.

The forward graph computes the results, reported values and state updates, and also
outputs (kind ``saved``) exactly the intermediate values the backward nodes read.
The backward graph takes those as ``saved`` inputs, plus the forward's own inputs it
reads (parameters, data: passed by reference, not copied) and the cotangents, and
outputs the gradients.

With ``recompute='auto'`` a saved value produced by an elementwise op whose inputs are
available to the backward anyway (graph inputs, or values saved regardless) is
recomputed in the backward instead of saved; `Partition.bytes_saved` reports what
that spared.  ``recompute='none'`` saves everything the backward reads.
"""
from chainfuse.compiler.rewrite import Rewriter, live_nodes
from chainfuse.ops.registry import ELEMENTWISE

FORWARD_KINDS = ('result', 'report', 'state')


class Partition:
    def __init__(self, forward, backward, saved_sources, bwd_sources, bytes_saved,
                 n_saved_recomputed):
        self.forward = forward          # Graph
        self.backward = backward        # Graph
        self.bwd_sources = bwd_sources  # per backward runtime input: ('saved', k) |
        #                                 ('input', forward runtime input index) | ('grad', k)
        self.saved_sources = saved_sources
        self.bytes_saved = bytes_saved
        self.n_saved_recomputed = n_saved_recomputed

    def __str__(self):
        saved = ', '.join(f'%{v.id}:{v.aval}' for v, k, _ in self.forward.outputs
                          if k == 'saved')
        return (f'partition: forward {len(self.forward.nodes)} nodes, backward '
                f'{len(self.backward.nodes)} nodes; saved [{saved}]; recomputed '
                f'{self.n_saved_recomputed} value(s), sparing {self.bytes_saved} bytes')


def _split(joint):
    fwd_out = [v for v, k, _ in joint.outputs if k in FORWARD_KINDS]
    bwd_out = [v for v, k, _ in joint.outputs if k == 'grad']

    class _View:
        outputs = [(v, None, None) for v in fwd_out]
    fwd_nodes = live_nodes(_View)
    _View.outputs = [(v, None, None) for v in bwd_out]
    bwd_nodes = live_nodes(_View) - fwd_nodes
    return fwd_nodes, bwd_nodes


def _recompute(joint, fwd_nodes, bwd_nodes):
    """Moves cheap elementwise producers of saved values into the backward."""
    by_id = {n.id: n for n in joint.nodes}
    moved = set()
    changed = True
    while changed:
        changed = False
        saved = _saved_values(joint, fwd_nodes, bwd_nodes | moved)
        for v in saved:
            n = v.producer
            if n is None or n.op.kind != ELEMENTWISE or n.id in moved:
                continue
            if all(u.producer is None or u in saved or u.producer.id in moved
                   for u in n.inputs) and all(u.producer is None or u.aval.nbytes
                                              <= v.aval.nbytes for u in n.inputs):
                new_saved = _saved_values(joint, fwd_nodes, bwd_nodes | moved | {n.id})
                if _bytes(new_saved) < _bytes(saved):
                    moved.add(n.id)
                    changed = True
                    break
    return moved, by_id


def _bytes(values):
    return sum(v.aval.nbytes for v in values)


def _saved_values(joint, fwd_nodes, bwd_nodes):
    saved = []
    seen = set()
    for n in joint.nodes:
        if n.id not in bwd_nodes:
            continue
        for v in n.inputs:
            if v.producer is not None and v.producer.id in fwd_nodes and \
                    v.producer.id not in bwd_nodes and v.id not in seen:
                seen.add(v.id)
                saved.append(v)
    return saved


def partition(joint, recompute='auto'):
    if recompute not in ('auto', 'none'):
        raise ValueError(f"recompute must be 'auto' or 'none', got {recompute!r}")
    fwd_nodes, bwd_nodes = _split(joint)
    before = _bytes(_saved_values(joint, fwd_nodes, bwd_nodes))
    moved = set()
    if recompute == 'auto':
        moved, _ = _recompute(joint, fwd_nodes, bwd_nodes)
    bwd_all = bwd_nodes | moved
    saved = _saved_values(joint, fwd_nodes, bwd_all)
    forward = _forward_graph(joint, fwd_nodes, saved)
    backward, sources = _backward_graph(joint, bwd_all, saved)
    return Partition(forward, backward, saved, sources, before - _bytes(saved), len(moved))


def _forward_graph(joint, fwd_nodes, saved):
    rw = Rewriter(joint, f'{joint.name.replace("_joint", "")}_forward')
    for v in joint.inputs:
        if v.kind == 'grad':
            continue
        rw.copy_input(v)
    for n in joint.nodes:
        if n.id in fwd_nodes:
            rw.copy_node(n)
    for v, kind, name in joint.outputs:
        if kind in FORWARD_KINDS:
            rw.dst.add_output(rw.map[v.id], kind, name)
    for k, v in enumerate(saved):
        rw.dst.add_output(rw.map[v.id], 'saved', f's{k}')
    return rw.dst


def _backward_graph(joint, bwd_nodes, saved):
    rw = Rewriter(joint, f'{joint.name.replace("_joint", "")}_backward')
    sources = []
    fwd_runtime = [v for v in joint.inputs if v.kind not in ('grad', 'const')]
    fwd_index = {v.id: i for i, v in enumerate(fwd_runtime)}
    used = {u.id for n in joint.nodes if n.id in bwd_nodes for u in n.inputs}
    for k, v in enumerate(saved):
        rw.copy_input(v, 'saved', f's{k}')
        sources.append(('saved', k))
    grad_k = 0
    for v in joint.inputs:
        if v.kind == 'grad':
            rw.copy_input(v)
            sources.append(('grad', grad_k))
            grad_k += 1
        elif v.id in used:
            rw.copy_input(v)
            if v.kind != 'const':
                sources.append(('input', fwd_index[v.id]))
    for n in joint.nodes:
        if n.id in bwd_nodes:
            rw.copy_node(n)
    for v, kind, name in joint.outputs:
        if kind == 'grad':
            if v.id not in rw.map:  # a gradient that is a forward value or an input
                rw.map[v.id] = _bring(rw, v, saved, sources, fwd_index)
            rw.dst.add_output(rw.map[v.id], 'grad', name)
    return rw.dst, sources


def _bring(rw, v, saved, sources, fwd_index):
    raise NotImplementedError(f'gradient %{v.id} is computed in the forward graph')

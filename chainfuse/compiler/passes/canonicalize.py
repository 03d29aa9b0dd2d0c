"""Canonicalization: remove ops that do nothing (reshape/broadcast_to/sum_to to the
same shape, identity transposes, casts to the same dtype)."""
from chainfuse.compiler.rewrite import Rewriter


def _is_identity(n):
    name = n.op.name
    x, y = n.inputs[0] if n.inputs else None, n.outputs[0]
    if name in ('reshape', 'broadcast_to', 'sum_to'):
        return x.aval == y.aval
    if name == 'transpose':
        return tuple(n.attrs['axes']) == tuple(range(x.aval.ndim))
    if name == 'astype':
        return x.aval == y.aval
    return False


def canonicalize(graph):
    rw = Rewriter(graph)
    rw.copy_inputs()
    for n in graph.nodes:
        if _is_identity(n):
            rw.map[n.outputs[0].id] = rw.map[n.inputs[0].id]
        else:
            rw.copy_node(n)
    rw.copy_outputs()
    return rw.dst

"""Dead-code elimination: drop nodes no graph output depends on, and unused inputs
that are constants (other inputs stay: they are the graph's calling convention)."""
from chainfuse.compiler.rewrite import Rewriter, live_nodes


def dce(graph):
    live = live_nodes(graph)
    used = {v.id for n in graph.nodes if n.id in live for v in n.inputs}
    used |= {v.id for v, _, _ in graph.outputs}
    rw = Rewriter(graph)
    for v in graph.inputs:
        if v.kind == 'const' and v.id not in used:
            continue
        rw.copy_input(v)
    for n in graph.nodes:
        if n.id in live:
            rw.copy_node(n)
    rw.copy_outputs()
    return rw.dst

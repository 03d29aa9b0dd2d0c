"""Rebuilding graphs: every pass copies its input graph into a new one through a
`Rewriter`, which maps old Values to new ones and re-infers avals as it emits nodes.

A copied value keeps its name (``%12`` stays ``%12``); values a pass creates get fresh
names above every name of the source graph, so the dumps of two neighbouring passes
differ exactly where the pass changed something."""
from chainfuse.ops.registry import Aval
from chainfuse.tracer.ir import Graph


class Rewriter:
    """Copies `src` into a fresh Graph; passes override what to emit per node."""

    def __init__(self, src, name=None):
        self.src = src
        self.dst = Graph(name or src.name)
        self.dst._next_value = src._next_value    # fresh names never reuse a source name
        self.map = {}

    def copy_inputs(self):
        for v in self.src.inputs:
            self.copy_input(v)

    def copy_input(self, v, kind=None, name=None):
        """Copies the input `v` (keeping its name; optionally as another kind/name)."""
        nv = self.dst.add_input(v.aval, kind or v.kind, name or v.name,
                                const=v.const if kind is None else None, vid=v.id)
        nv.requires_grad = v.requires_grad if kind is None else False
        self.map[v.id] = nv
        return nv

    def emit(self, op, inputs, attrs, loc=None):
        """Adds a node with output avals from the op's shape rule; returns the Node."""
        avals = op.infer(*[v.aval for v in inputs], **attrs)
        if isinstance(avals, Aval):
            avals = (avals,)
        return self.dst.add_node(op, inputs, attrs, avals, loc)

    def copy_node(self, node):
        new = self.dst.add_node(node.op, [self.map[v.id] for v in node.inputs], node.attrs,
                                [v.aval for v in node.outputs], node.loc,
                                out_ids=[v.id for v in node.outputs])
        for old, nv in zip(node.outputs, new.outputs):
            self.map[old.id] = nv
        return new

    def copy_outputs(self):
        for v, kind, name in self.src.outputs:
            self.dst.add_output(self.map[v.id], kind, name)

    def add_const(self, array, name=None):
        name = name or f'c{len(self.dst.inputs_of("const"))}'
        return self.dst.add_input(Aval.of(array), 'const', name, const=array)


def copy_graph(graph, name=None):
    rw = Rewriter(graph, name)
    rw.copy_inputs()
    for n in graph.nodes:
        rw.copy_node(n)
    rw.copy_outputs()
    return rw.dst


def live_nodes(graph):
    """Nodes an output depends on (the complement is dead code)."""
    live = set()
    stack = [v for v, _, _ in graph.outputs]
    seen = set()
    while stack:
        v = stack.pop()
        if v.id in seen or v.producer is None:
            continue
        seen.add(v.id)
        live.add(v.producer.id)
        stack.extend(v.producer.inputs)
    return live

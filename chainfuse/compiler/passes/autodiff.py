"""Autodiff: append the backward pass to a forward graph, from the registry's vjp rules.

The pass copies the forward graph, adds a ``grad`` input (the cotangent) per floating
result output that depends on an input needing a gradient, and runs
`chainfuse.tracer.reverse.backward_of` -- the walk a traced ``backward()`` runs too --
under an `AbstractRecorder`: every op a rule applies is appended to the graph instead of
being computed.  The result is one *joint* graph: the forward nodes, then the backward
nodes, and a ``grad`` output per input that gets a gradient.  `partition` later splits
it in two.
"""
from chainfuse.compiler.rewrite import copy_graph
from chainfuse.config import using_config
from chainfuse.tracer.recorder import AbstractRecorder
from chainfuse.tracer.reverse import backward_of, depends_on


class _GradRecorder(AbstractRecorder):
    def __init__(self, graph):
        super().__init__(graph)
        self._vars = {}

    def variable_of(self, value):
        var = self._vars.get(value.id)
        if var is None:
            var = self._vars[value.id] = self.variable_for(value)
        return var


def autodiff(graph, wrt=None, seed_outputs=None):
    """Returns the joint forward+backward graph.

    wrt: input Values to differentiate with respect to (default: inputs with
    ``requires_grad``).  seed_outputs: names of result outputs that receive a
    cotangent input (default: every floating result).
    """
    g = copy_graph(graph, name=f'{graph.name}_joint')
    if wrt is None:
        wrt = [v for v in g.inputs if v.requires_grad]
    else:
        ids = {v.id for v in wrt}
        wrt = [v for v in g.inputs if v.id in ids]
    forward_nodes = list(g.nodes)
    dep = depends_on(forward_nodes, {v.id for v in wrt})
    rec = _GradRecorder(g)
    with rec, using_config('enable_backprop', False):
        seeds = []
        for v, kind, name in list(g.outputs):
            if kind != 'result' or v.aval.dtype.kind != 'f' or v.id not in dep:
                continue
            if seed_outputs is not None and name not in seed_outputs:
                continue
            gy = g.add_input(v.aval, 'grad', f'grad:{name}')
            seeds.append((v, rec.variable_of(gy)))
        grads = backward_of(forward_nodes, seeds, wrt, rec.variable_of)
    for v in wrt:
        gx = grads.get(v.id)
        if gx is None:
            continue  # no path from the outputs: the gradient stays None, as in eager
        g.add_output(rec.value_of(gx, f'gradient of {v.name}'), 'grad', v.name)
    return g

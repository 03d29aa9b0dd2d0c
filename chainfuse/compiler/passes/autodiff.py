"""Autodiff: append the backward pass to a forward graph, from the registry's vjp rules.

The pass walks the forward nodes in reverse.  For each node that has an incoming
gradient it calls the op's ``vjp`` — the same rule eager ``backward()`` runs — on
Variables bound to the node's Values, under an `AbstractRecorder`: every op the rule
applies is appended to the graph instead of being computed.  Contributions to a value
with several users are summed with ``add``; broadcasting is undone inside the rules
(``sum_to``).  The result is one *joint* graph: the forward nodes, then the backward
nodes, with a ``grad`` input (the cotangent) per result output and a ``grad`` output
per input that requires a gradient.  `partition` later splits it in two.
"""
from chainfuse.compiler.rewrite import copy_graph
from chainfuse.config import using_config
from chainfuse.core.function_node import OpNode
from chainfuse.tracer.recorder import AbstractRecorder


class _GradRecorder(AbstractRecorder):
    def __init__(self, graph):
        super().__init__(graph)
        self._vars = {}

    def variable_of(self, value):
        var = self._vars.get(value.id)
        if var is None:
            var = self._vars[value.id] = self.variable_for(value)
        return var


def _depends_on(graph, wrt_ids):
    """Ids of values that depend on any value in `wrt_ids`."""
    dep = set(wrt_ids)
    for n in graph.nodes:
        if any(v.id in dep for v in n.inputs):
            dep.update(v.id for v in n.outputs)
    return dep


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
    dep = _depends_on(g, {v.id for v in wrt})
    rec = _GradRecorder(g)
    grads = {}
    with rec, using_config('enable_backprop', False):
        for v, kind, name in list(g.outputs):
            if kind != 'result' or v.aval.dtype.kind != 'f':
                continue
            if seed_outputs is not None and name not in seed_outputs:
                continue
            if v.id not in dep:
                continue
            gy = g.add_input(v.aval, 'grad', f'grad:{name}')
            _accumulate(grads, v, rec.variable_of(gy))
        for node in reversed(forward_nodes):
            gys = [grads.get(v.id) for v in node.outputs]
            if all(gy is None for gy in gys) or not node.op.differentiable:
                continue
            needs = {i for i, v in enumerate(node.inputs)
                     if v.id in dep and v.aval.dtype.kind == 'f'}
            if not needs:
                continue
            # the same context eager backward() hands the rule: an OpNode
            ctx = OpNode.vjp_context(node.op, node.attrs,
                                     [rec.variable_of(v) for v in node.inputs],
                                     [rec.variable_of(v) for v in node.outputs], needs)
            gxs = node.op.vjp(ctx, *gys)
            for i, gx in enumerate(gxs):
                if gx is not None and i in needs:
                    _accumulate(grads, node.inputs[i], gx)
    for v in wrt:
        gx = grads.get(v.id)
        if gx is None:
            continue  # no path from the outputs: the gradient stays None, as in eager
        g.add_output(rec.value_of(gx, f'gradient of {v.name}'), 'grad', v.name)
    return g


def _accumulate(grads, value, g):
    prev = grads.get(value.id)
    grads[value.id] = g if prev is None else prev + g

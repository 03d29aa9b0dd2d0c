"""Dropping ``stop_gradient`` once no gradient will be taken of the graph.

``stop_gradient(x)`` is ``x`` whose gradient is not propagated: it matters to autodiff
and to nothing after it.  The pipeline runs this pass after autodiff and partition
(a compiled training step's graph holds its backward already), where each one is a
plan step that calls an identity function and a boundary no fusion group crosses: a
traced Adam update reads ``stop_gradient(grad)`` and ``stop_gradient(wd * param)``,
so without this pass the weight decay product is a numpy call of its own beside the
fused update.  Uses of the output become uses of the input.
"""
from chainfuse.compiler.rewrite import Rewriter


def strip_stop_gradient(graph):
    rw = Rewriter(graph)
    rw.copy_inputs()
    for n in graph.nodes:
        if n.op.name == 'stop_gradient':
            rw.map[n.outputs[0].id] = rw.map[n.inputs[0].id]
        else:
            rw.copy_node(n)
    rw.copy_outputs()
    return rw.dst

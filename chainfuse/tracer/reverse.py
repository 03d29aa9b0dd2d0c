"""Reverse mode over the IR: the one derivation of every compiled backward pass.

`backward_of(nodes, seeds, wrt, variable_of)` walks forward nodes in reverse.  For each
node an incoming gradient reaches, it calls the op's ``vjp`` -- the rule eager
``backward()`` runs -- with the context eager hands it (`OpNode.vjp_context`), on the
Variables `variable_of` gives for the node's Values.  Whatever recorder is installed
records the ops the rule applies, so the backward pass is appended to the graph.
Contributions to a value with several users are summed with ``add``; broadcasting is
undone inside the rules (``sum_to``).

Two callers, one walk:

- the compiler's ``autodiff`` pass (`compile()`): abstract Variables, so the rules'
  ops become nodes of the joint graph and nothing is computed;
- the `Recorder`, when traced code calls ``loss.backward()`` or ``chainfuse.grad``
  (`compile_step`): concrete Variables, so the rules' ops compute the gradients the
  rest of the traced step (the optimizer's update) reads, and are recorded.

What eager's graph walk decides by the Variables, the IR says by itself: an input
gets a gradient when a differentiable float path leads to it; a creator-less Variable
standing for a traced value is read through ``stop_gradient`` (the recorder puts it
there), so the walk stops where eager's does.
"""


def depends_on(nodes, ids):
    """Ids of the values among `nodes`' outputs (and `ids`) that depend on `ids`."""
    dep = set(ids)
    for n in nodes:
        if any(v.id in dep for v in n.inputs):
            dep.update(v.id for v in n.outputs)
    return dep


def backward_of(nodes, seeds, wrt, variable_of):
    """The gradients of `wrt` (Values) from `seeds` ((Value, gradient Variable) pairs),
    walking `nodes` (in forward order); returns {value id: gradient Variable} for every
    value a gradient reached: each value of `wrt` it reached (an unreached one has none,
    as in eager) and the intermediate values on the way."""
    from chainfuse.core.function_node import OpNode
    dep = depends_on(nodes, {v.id for v in wrt})
    grads = {}
    for v, gy in seeds:
        if v.id in dep:
            _accumulate(grads, v.id, gy)
    for node in reversed(nodes):
        gys = [grads.get(v.id) for v in node.outputs]
        if all(gy is None for gy in gys) or not node.op.differentiable:
            continue
        needs = {i for i, v in enumerate(node.inputs)
                 if v.id in dep and v.aval.dtype.kind == 'f'}
        if not needs:
            continue
        ctx = OpNode.vjp_context(node.op, node.attrs,
                                 [variable_of(v) for v in node.inputs],
                                 [variable_of(v) for v in node.outputs], needs)
        gxs = node.op.vjp(ctx, *gys)
        for i, gx in enumerate(gxs):
            if gx is None or i not in needs:
                continue
            x = node.inputs[i]
            if tuple(gx.shape) != x.aval.shape or gx.dtype != x.aval.dtype:
                raise ValueError(
                    f'{node.op.name}: its vjp rule gave a gradient of shape '
                    f'{tuple(gx.shape)} and dtype {gx.dtype} for input {i}, which is '
                    f'{x.aval} (node {node.format()})')
            _accumulate(grads, x.id, gx)
    return grads


def _accumulate(grads, vid, g):
    prev = grads.get(vid)
    grads[vid] = g if prev is None else prev + g

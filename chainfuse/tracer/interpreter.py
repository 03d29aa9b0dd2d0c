"""The reference interpreter: the semantics every compiled plan is tested against.

It dispatches node by node to each op's ``impl`` (the same code eager mode runs),
frees every value after its last use, and wraps any failure in `ExecutionError`
saying which node was executing and where the user wrote it.
"""
import numpy

from chainfuse import backend


class ExecutionError(RuntimeError):
    pass


def last_uses(graph):
    """Maps node index -> values whose last use is that node (graph outputs excluded)."""
    keep = {v.id for v, _, _ in graph.outputs}
    last = {}
    for i, n in enumerate(graph.nodes):
        for v in n.inputs:
            last[v.id] = i
    frees = [[] for _ in graph.nodes]
    for vid, i in last.items():
        if vid not in keep:
            frees[i].append(vid)
    return frees


def run_graph(graph, arrays, xp=None, frees=None, on_node=None):
    """Runs `graph` on `arrays` (one per runtime input); returns the output arrays.
    ``on_node(node, outputs)`` sees every node's output arrays as they are computed."""
    inputs = graph.runtime_inputs
    if len(arrays) != len(inputs):
        raise TypeError(f'graph {graph.name} takes {len(inputs)} inputs '
                        f'({", ".join(str(v.name) for v in inputs)}), got {len(arrays)}')
    env = {}
    for v, a in zip(inputs, arrays):
        if tuple(a.shape) != v.shape or a.dtype != v.dtype:
            raise TypeError(f'graph {graph.name}: input {v.name} expects {v.aval}, got '
                            f'shape {tuple(a.shape)} dtype {a.dtype}')
        env[v.id] = a
    for v in graph.inputs:
        if v.kind == 'const':
            env[v.id] = v.const
    if xp is None:
        xp = backend.get_array_module(*arrays) if arrays else backend.numpy
    if frees is None:
        frees = last_uses(graph)
    for i, n in enumerate(graph.nodes):
        args = [env[v.id] for v in n.inputs]
        try:
            out = n.op.impl(xp, *args, **n.attrs)
        except Exception as e:
            loc = f' (traced at {n.loc})' if n.loc else ''
            raise ExecutionError(f'while executing {n.format()}{loc}: '
                                 f'{type(e).__name__}: {e}') from e
        if n.op.n_outputs == 1:
            out = (out,)
        for v, a in zip(n.outputs, out):
            env[v.id] = xp.asarray(a) if isinstance(a, numpy.generic) else a
        if on_node is not None:
            on_node(n, [env[v.id] for v in n.outputs])
        for vid in frees[i]:
            env.pop(vid, None)
    return [env[v.id] for v, _, _ in graph.outputs]

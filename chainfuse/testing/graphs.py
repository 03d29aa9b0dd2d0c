"""Building IR graphs by hand, for tests of single compiler passes.

::

    b = GraphBuilder('g')
    x = b.input((4, 3))                      # a float32 'data' input named x0
    w = b.input((3, 3), kind='param', name='/W')
    y = b.op('exp', b.op('matmul', x, w))    # avals from each op's shape rule
    b.output(y)
    graph = b.graph                          # verified when read

Ops are named as in the registry; attributes default as the registry's ``defop`` says.
"""
import numpy

from chainfuse.ops.registry import Aval, get_op
from chainfuse.tracer.ir import Graph


class GraphBuilder:
    def __init__(self, name='g'):
        self._graph = Graph(name)

    def input(self, shape, dtype='float32', kind='data', name=None, requires_grad=None):
        """A graph input; params and data default to requiring a gradient only when
        asked (``requires_grad=True``), as a trace of a Link marks its parameters."""
        name = name if name is not None else f'x{len(self._graph.inputs)}'
        v = self._graph.add_input(Aval(shape, dtype), kind, name)
        v.requires_grad = bool(requires_grad)
        return v

    def const(self, array, name=None):
        array = numpy.asarray(array)
        name = name if name is not None else f'c{len(self._graph.inputs)}'
        return self._graph.add_input(Aval.of(array), 'const', name, const=array)

    def op(self, name, *inputs, **attrs):
        """Applies registry op `name`; returns its output Value (a tuple for several)."""
        op = get_op(name)
        attrs = op.bind_attrs(attrs)
        avals = op.infer(*[v.aval for v in inputs], **attrs)
        avals = (avals,) if isinstance(avals, Aval) else tuple(avals)
        node = self._graph.add_node(op, list(inputs), attrs, avals)
        return node.outputs[0] if len(node.outputs) == 1 else tuple(node.outputs)

    def output(self, value, kind='result', name=None):
        name = name if name is not None else str(len(self._graph.outputs))
        self._graph.add_output(value, kind, name)
        return value

    @property
    def graph(self):
        return self._graph.verify()


def op_names(graph):
    """The graph's node op names, in order (fused nodes by their generated name)."""
    return [n.op.name for n in graph.nodes]


def random_inputs(graph, seed=0):
    """One array per runtime input of `graph`: floats in [-2, 2), small ints, bools."""
    rng = numpy.random.default_rng(seed)
    arrays = []
    for v in graph.runtime_inputs:
        dt = v.aval.dtype
        if dt.kind == 'f':
            a = rng.uniform(-2, 2, v.aval.shape)
        elif dt.kind == 'b':
            a = rng.integers(0, 2, v.aval.shape)
        else:
            a = rng.integers(0, 3, v.aval.shape)
        arrays.append(numpy.asarray(a, dt))
    return arrays


def assert_equivalent(before, after, seed=0, rtol=1e-6, atol=1e-7):
    """`after` computes what `before` does: same outputs (kinds and names) and, run by
    the reference interpreter on the same random inputs, the same values."""
    from chainfuse.tracer.interpreter import run_graph
    assert [(k, n) for _, k, n in after.outputs] == [(k, n) for _, k, n in before.outputs]
    arrays = random_inputs(before, seed)
    by_name = dict(zip([v.name for v in before.runtime_inputs], arrays))
    want = run_graph(before, arrays)
    got = run_graph(after, [by_name[v.name] for v in after.runtime_inputs])
    for (_, kind, name), w, g in zip(before.outputs, want, got):
        numpy.testing.assert_allclose(g, w, rtol=rtol, atol=atol,
                                      err_msg=f'output {kind} {name}')

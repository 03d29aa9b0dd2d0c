"""The graph IR: typed SSA values, nodes in topological order, named inputs and outputs.

A `Graph` reads like a jaxpr::

    graph mlp
      in  %0:f32[8,784]    data    x
      in  %1:f32[100,784]  param   /predictor/l1/W
      ...
      %5:f32[8,100] = matmul(%0, %1) transa=False transb=True    # model.py:12
      %6:f32[8,100] = add(%5, %4)                                  # model.py:12
      ...
      out %9   result  0
      out %12  report  main/loss

Every `Value` has an aval (shape, dtype), knows its producer node (None for inputs
and constants) and its users.  Inputs are kinded: ``data`` (a call argument),
``param`` (a Link parameter, named by path), ``persistent`` (Link state such as
running statistics, optimizer state), ``rng`` (a key for a random op), ``hyper`` (an
optimizer hyperparameter, recomputed every step), ``const`` (an array captured
at trace time; its value is stored in the graph).  Outputs are kinded ``result``,
``report`` (a value passed to `chainfuse.report`) and ``state`` (the new value of a
persistent input, written back after each run).  The compiler adds ``grad`` inputs
(cotangents) and outputs (gradients), and ``saved`` outputs/inputs (what a forward
plan keeps for its backward plan).
"""
from chainfuse.ops.registry import Aval, OPS

INPUT_KINDS = ('data', 'param', 'persistent', 'rng', 'const', 'grad', 'saved', 'hyper')
OUTPUT_KINDS = ('result', 'report', 'state', 'grad', 'saved')


class IRError(Exception):
    """An invariant of the IR does not hold; the message names the offending node."""


class Value:
    __slots__ = ('id', 'aval', 'producer', 'index', 'users', 'kind', 'name', 'const',
                 'requires_grad')

    def __init__(self, vid, aval, producer=None, index=0, kind=None, name=None, const=None):
        self.id = vid
        self.aval = aval
        self.producer = producer
        self.index = index
        self.users = []
        self.kind = kind          # input kind for graph inputs, None for node outputs
        self.name = name
        self.const = const        # the array, for kind == 'const'
        self.requires_grad = False

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    def __repr__(self):
        return f'%{self.id}:{self.aval}'


class Node:
    __slots__ = ('id', 'op', 'inputs', 'attrs', 'outputs', 'loc')

    def __init__(self, nid, op, inputs, attrs, outputs, loc=None):
        self.id = nid
        self.op = op
        self.inputs = list(inputs)
        self.attrs = dict(attrs)
        self.outputs = list(outputs)
        self.loc = loc

    def format(self):
        outs = ', '.join(f'%{v.id}:{v.aval}' for v in self.outputs)
        ins = ', '.join(f'%{v.id}' for v in self.inputs)
        attrs = ''.join(f' {k}={_fmt_attr(v)}' for k, v in self.attrs.items())
        return f'{outs} = {self.op.name}({ins}){attrs}'

    def __str__(self):
        loc = f'    # {self.loc}' if self.loc else ''
        return self.format() + loc

    def __repr__(self):
        return f'<Node {self.format()}>'


def _fmt_attr(v):
    if hasattr(v, 'name') and hasattr(v, 'itemsize'):  # numpy dtype
        return v.name
    if isinstance(v, type) and hasattr(v, '__name__'):
        return v.__name__
    if isinstance(v, tuple):
        return '(' + ','.join(_fmt_attr(e) for e in v) + (',' if len(v) == 1 else '') + ')'
    if isinstance(v, slice):
        parts = ['' if p is None else str(p) for p in (v.start, v.stop, v.step)]
        return ':'.join(parts[:2] if v.step is None else parts)
    return repr(v)


def _const_text(v):
    """`` = value`` for a small constant input (its value is part of the graph)."""
    if v.kind != 'const' or v.const is None or v.aval.size > 8:
        return ''
    import numpy
    a = numpy.asarray(v.const)
    text = numpy.array2string(a, separator=',', threshold=8) if a.ndim else repr(a.item())
    return f' = {text}'


class Graph:
    """A typed SSA graph.  Build it with `add_input` / `add_node` / `add_output`."""

    def __init__(self, name='graph'):
        self.name = name
        self.inputs = []     # Values with .kind and .name
        self.nodes = []      # Nodes, topologically ordered
        self.outputs = []    # (Value, kind, name)
        self._next_value = 0
        self._next_node = 0

    # ---- construction ----
    def _new_value(self, aval, vid=None, **kw):
        """A Value named `vid` (a pass copying a value keeps its name), or a fresh name."""
        if vid is None:
            vid = self._next_value
        self._next_value = max(self._next_value, vid + 1)
        return Value(vid, aval, **kw)

    def add_input(self, aval, kind, name, const=None, vid=None):
        if kind not in INPUT_KINDS:
            raise IRError(f'unknown input kind {kind!r}')
        v = self._new_value(aval, vid, kind=kind, name=name, const=const)
        self.inputs.append(v)
        return v

    def add_node(self, op, inputs, attrs, out_avals, loc=None, out_ids=None):
        """Appends a node; `out_ids` names its outputs (default: fresh names)."""
        node = Node(self._next_node, op, inputs, attrs, [], loc)
        self._next_node += 1
        ids = out_ids if out_ids is not None else [None] * len(out_avals)
        node.outputs = [self._new_value(a, vid, producer=node, index=i)
                        for i, (a, vid) in enumerate(zip(out_avals, ids))]
        for v in inputs:
            v.users.append(node)
        self.nodes.append(node)
        return node

    def add_output(self, value, kind, name):
        if kind not in OUTPUT_KINDS:
            raise IRError(f'unknown output kind {kind!r}')
        self.outputs.append((value, kind, name))

    # ---- queries ----
    def inputs_of(self, kind):
        return [v for v in self.inputs if v.kind == kind]

    def outputs_of(self, kind):
        return [(v, name) for v, k, name in self.outputs if k == kind]

    @property
    def runtime_inputs(self):
        """Inputs a caller supplies to `run` (every input but constants), in order."""
        return [v for v in self.inputs if v.kind != 'const']

    def values(self):
        yield from self.inputs
        for n in self.nodes:
            yield from n.outputs

    def op_counts(self):
        counts = {}
        for n in self.nodes:
            counts[n.op.name] = counts.get(n.op.name, 0) + 1
        return counts

    # ---- printing ----
    def __str__(self):
        lines = [f'graph {self.name}']
        width = max([len(f'%{v.id}:{v.aval}') for v in self.inputs] + [0])
        for v in self.inputs:
            head = f'%{v.id}:{v.aval}'
            lines.append(f'  in  {head:<{width}}  {v.kind:<10} {v.name}{_const_text(v)}')
        for n in self.nodes:
            lines.append(f'  {n}')
        for v, kind, name in self.outputs:
            lines.append(f'  out %{v.id:<4} {kind:<7} {name}')
        return '\n'.join(lines) + '\n'

    def __repr__(self):
        return (f'<Graph {self.name}: {len(self.inputs)} inputs, {len(self.nodes)} nodes, '
                f'{len(self.outputs)} outputs>')

    # ---- invariants ----
    def verify(self):
        """Checks SSA, topological order, avals against each op's shape rule, users lists,
        and that every value used is defined.  Raises IRError naming the offending node."""
        defined = {}
        for v in self.inputs:
            if v.producer is not None:
                raise IRError(f'input %{v.id} ({v.name}) has a producer')
            if v.id in defined:
                raise IRError(f'value %{v.id} is defined twice (input {v.name})')
            defined[v.id] = v
            if v.kind == 'const' and v.const is None:
                raise IRError(f'constant input %{v.id} ({v.name}) has no value')
        for n in self.nodes:
            where = f'node {n}'
            fused = getattr(n.op, 'is_fused', False)
            if not fused and (n.op.name not in OPS or OPS[n.op.name] is not n.op):
                raise IRError(f'{where}: op {n.op.name!r} is not in the registry')
            for v in n.inputs:
                if defined.get(v.id) is not v:
                    raise IRError(f'{where}: input %{v.id} is used before it is defined '
                                  '(not in topological order, or dangling)')
                if n not in v.users:
                    raise IRError(f'{where}: %{v.id} does not list this node as a user')
            self._check_avals(n, where)
            for i, v in enumerate(n.outputs):
                if v.producer is not n or v.index != i:
                    raise IRError(f'{where}: output %{v.id} has a wrong producer/index')
                if v.id in defined:
                    raise IRError(f'{where}: value %{v.id} is defined twice (not SSA)')
                defined[v.id] = v
        node_set = set(id(n) for n in self.nodes)
        for v in defined.values():
            for u in v.users:
                if id(u) not in node_set:
                    raise IRError(f'value %{v.id} lists a user node that is not in the graph')
        for v, kind, name in self.outputs:
            if defined.get(v.id) is not v:
                raise IRError(f'output {kind} {name}: %{v.id} is not defined in the graph')
        return self

    @staticmethod
    def _check_avals(n, where):
        try:
            inferred = n.op.infer(*[v.aval for v in n.inputs], **n.attrs)
        except Exception as e:
            raise IRError(f'{where}: the shape rule of {n.op.name} rejects the inputs: {e}')
        if isinstance(inferred, Aval):
            inferred = (inferred,)
        got = tuple(v.aval for v in n.outputs)
        if tuple(inferred) != got:
            shown = ', '.join(map(str, inferred))
            raise IRError(f'{where}: outputs are {", ".join(map(str, got))} but the shape '
                          f'rule of {n.op.name} gives {shown}')

    # ---- analyses ----
    def to_networkx(self):
        """A DiGraph with one vertex per node (``n<id>``) and per input (``in<id>``);
        edges carry the value id and aval."""
        import networkx         # imported here: it costs ~0.2 s and only this needs it
        g = networkx.DiGraph(name=self.name)
        for v in self.inputs:
            g.add_node(f'in{v.id}', kind=v.kind, name=v.name, aval=str(v.aval))
        for n in self.nodes:
            g.add_node(f'n{n.id}', op=n.op.name, attrs=n.attrs, loc=n.loc)
            for v in n.inputs:
                src = f'in{v.id}' if v.producer is None else f'n{v.producer.id}'
                g.add_edge(src, f'n{n.id}', value=v.id, aval=str(v.aval))
        return g

    def to_dot(self, **kw):
        from chainfuse.tracer.dot import graph_to_dot
        return graph_to_dot(self, **kw)

    def run(self, *arrays, xp=None):
        """Interprets the graph on arrays given in the order of `runtime_inputs`."""
        from chainfuse.tracer.interpreter import run_graph
        return run_graph(self, arrays, xp=xp)

"""Dot dumps of the eager (backward) graph, with Chainer's interface and default styles.

`build_computational_graph([loss])` walks back from the outputs through each
Variable's ``creator`` and each FunctionNode's ``inputs``, the way backward does:
nodes are popped from a heap by descending rank, ties broken by the order they
were pushed (a function pushes its inputs in positional order).  Nothing in that
order depends on memory addresses, so the walk is the same from run to run.

Node names come from that walk, not from ``id()``: the k-th Variable met is
``v<k>`` and the k-th function ``f<k>``.  Two dumps of the same model therefore
diff clean, line by line::

    digraph graphname {
      rankdir=TB;
      v0 [label="() float32",shape="octagon",fillcolor="#E0E0E0",style="filled"];
      f0 [label="mean",shape="record",fillcolor="#6495ED",style="filled"];
      v1 [label="(2, 3), float32",shape="octagon",fillcolor="#E0E0E0",style="filled"];
      v1 -> f0;
      f0 -> v0;
    }

Edges point forward (input -> function -> output), as in Chainer.

Two levels.  By default (``level='function'``) a node is what Chainer draws: one call
of a user-facing function.  ``F.linear(x, W, b)`` applies two primitives (matmul,
add) and is drawn as one ``LinearFunction`` node with the inputs it was given
(x, W, b) and its result; `chainfuse.core.calls` records on every primitive which
call applied it.  Constants a function makes inside itself (a scalar lifted to an
array, the flat indices softmax_cross_entropy takes) are not drawn; array arguments
are (the labels ``t``).  Primitives applied outside any F function (``x + y``,
``h @ W``) are drawn one by one with Chainer's operator labels (``_ + _``,
``_ * 2``).  ``level='primitive'`` draws every registry op instead, as it ran.
Variables are labelled as in Chainer: ``(4, 5), float32``, ``float32`` for a
scalar, ``W: (3, 5), float32`` for a named one.

A compiled model's reported loss has no eager graph behind it (the plan computed
it).  `build_traced_graph(graph, value)` draws the same picture from the traced IR
instead: the values and op nodes that `value` is computed from, named and styled
as above, grouped into function nodes by the calls the recorder kept for each IR
node (``trace.node_calls``), so ``cg.dot`` shows the model under
``chainfuse.compile`` as Chainer would.
"""
import heapq
import itertools
import re

from chainfuse.backend import is_array
from chainfuse.core import calls
from chainfuse.core.function_node import FunctionNode
from chainfuse.core.variable import Variable
from chainfuse.tracer import dot

_var_style = {'shape': 'octagon', 'fillcolor': '#E0E0E0', 'style': 'filled'}
_func_style = {'shape': 'record', 'fillcolor': '#6495ED', 'style': 'filled'}

_RECORD_SPECIALS = '{}|<>'


def _quote(text, record):
    text = str(text).replace('\\', '\\\\').replace('"', '\\"')
    if record:
        for c in _RECORD_SPECIALS:
            text = text.replace(c, '\\' + c)
    return text


class ComputationalGraph:
    """Nodes (Variables and FunctionNodes) and forward edges, printable as dot.

    Args:
        nodes: Variables and FunctionNodes, in the order they are written.
        edges: ``(head, tail)`` pairs, in the order they are written.
        variable_style, function_style: dot attributes of each kind of node
            (None for none).
        rankdir: 'TB', 'BT', 'LR' or 'RL'.
        remove_variable: draw functions only, an edge f -> g meaning that g
            consumes an output of f.
        show_name: prefix a Variable's label with its ``name``.
    """

    def __init__(self, nodes, edges, variable_style=_var_style, function_style=_func_style,
                 rankdir='TB', remove_variable=False, show_name=True):
        if rankdir not in ('TB', 'BT', 'LR', 'RL'):
            raise ValueError(f'rankdir must be one of TB, BT, LR or RL, got {rankdir!r}')
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.variable_style = variable_style
        self.function_style = function_style
        self.rankdir = rankdir
        self.remove_variable = remove_variable
        self.show_name = show_name
        self._names = _stable_names(self.nodes)

    def name_of(self, node):
        """The node's name in the dump (``v<k>`` or ``f<k>``)."""
        return self._names[id(node)]

    def dump(self, format='dot'):
        if format != 'dot':
            raise NotImplementedError(f'only the dot format is supported, got {format!r}')
        return self._to_dot()

    def _to_dot(self):
        nodes, edges = self.nodes, self.edges
        if self.remove_variable:
            nodes, edges = _skip_variables(nodes, edges)
        lines = ['digraph graphname {', f'  rankdir={self.rankdir};']
        lines += [f'  {self.name_of(n)} [{self._attributes(n)}];' for n in nodes]
        drawn = set()
        for head, tail in edges:
            edge = (self.name_of(head), self.name_of(tail))
            if edge not in drawn:
                drawn.add(edge)
                lines.append(f'  {edge[0]} -> {edge[1]};')
        lines.append('}')
        return '\n'.join(lines) + '\n'

    def _attributes(self, node):
        if _is_variable(node):
            label = variable_label(node)
            if self.show_name and node.name is not None:
                label = f'{node.name}: {label}'
            attrs = {'label': label, 'shape': 'oval'}
            attrs.update(self.variable_style or {})
        else:
            attrs = {'label': node.label, 'shape': 'box'}
            attrs.update(self.function_style or {})
        record = attrs.get('shape') in ('record', 'Mrecord')
        return ','.join(f'{k}="{_quote(v, record and k == "label")}"' for k, v in attrs.items())


def _is_variable(node):
    return isinstance(node, (Variable, _TracedValue, _ArrayInput))


def variable_label(node):
    """Chainer's label of a variable: ``(2, 3), float32``; ``float32`` for a scalar."""
    shape, dtype = node.shape, node.dtype
    if shape is None:
        return '(None)'
    if not shape:
        return str(dtype)
    return f'({", ".join(map(str, shape))}), {dtype}'


def _stable_names(nodes):
    names = {}
    counts = {'v': 0, 'f': 0}
    for node in nodes:
        kind = 'v' if _is_variable(node) else 'f'
        names[id(node)] = f'{kind}{counts[kind]}'
        counts[kind] += 1
    return names


def _skip_variables(nodes, edges):
    """Functions only: an edge (var, g) becomes (f, g) where f drew an edge to var."""
    functions = [n for n in nodes if not _is_variable(n)]
    producer = {id(tail): head for head, tail in edges if not _is_variable(head)}
    func_edges = []
    for head, tail in edges:
        if _is_variable(head) and id(head) in producer:
            func_edges.append((producer[id(head)], tail))
    return functions, func_edges


def build_computational_graph(outputs, remove_split=True, variable_style=_var_style,
                              function_style=_func_style, rankdir='TB', remove_variable=False,
                              show_name=True, level='function'):
    """Builds the graph of functions and Variables backward-reachable from `outputs`.

    Args:
        outputs: a Variable, a FunctionNode, or a list of them.
        remove_split: must be True (kept for Chainer compatibility).
        variable_style, function_style, rankdir, remove_variable, show_name:
            see `ComputationalGraph`.
        level: 'function' (Chainer's nodes: one per call of an F function) or
            'primitive' (one per registry op); see the module docstring.

    Returns:
        ComputationalGraph whose nodes are listed in the (stable) order of the walk.
    """
    if not remove_split:
        raise ValueError('remove_split=False is not supported anymore')
    if level not in ('function', 'primitive'):
        raise ValueError(f"level must be 'function' or 'primitive', got {level!r}")
    if isinstance(outputs, (Variable, FunctionNode)):
        outputs = [outputs]
    nodes, edges = _walk(outputs)
    if level == 'function':
        nodes, edges = _function_level(nodes, edges, outputs)
    return ComputationalGraph(nodes, edges, variable_style, function_style, rankdir,
                              remove_variable, show_name)


def _walk(outputs):
    heap, order, seen_nodes, seen_edges, edges = [], [], set(), set(), []

    def visit(node):
        if id(node) not in seen_nodes:
            seen_nodes.add(id(node))
            order.append(node)
            heapq.heappush(heap, (-node.rank, len(order), node))

    def link(head, tail):
        key = (id(head), id(tail))
        if key not in seen_edges:
            seen_edges.add(key)
            edges.append((head, tail))
            return True
        return False

    for o in outputs:
        if not isinstance(o, (Variable, FunctionNode)):
            raise TypeError('build_computational_graph: outputs must be Variables or '
                            f'FunctionNodes, got {type(o).__name__}')
        visit(o)
    while heap:
        node = heapq.heappop(heap)[2]
        if isinstance(node, Variable):
            if node.creator is not None and link(node.creator, node):
                visit(node.creator)
        else:
            for x in node.inputs or ():
                if link(x, node):
                    visit(x)
    return order, edges


class _Group:
    """One call of a user-facing function (or one primitive applied outside any),
    drawn as one function node: `members` are its primitives."""

    def __init__(self, first):
        self.call = first.call
        self.members = []
        self.first = first

    @property
    def label(self):
        if self.call is not None:
            return self.call[calls.LABEL]
        return _primitive_label(self.first)


class _ArrayInput:
    """An array argument of a function call that its primitives do not read (the
    labels of softmax_cross_entropy), drawn as the variable Chainer draws."""

    name = None

    def __init__(self, array):
        self.array = array
        self.shape, self.dtype = tuple(array.shape), array.dtype


def _function_level(nodes, edges, outputs, group_inputs=None):
    """Groups the primitive graph (`_walk`'s nodes and edges) by call (module doc).

    Function nodes need ``call`` and ``inputs``, variables ``creator``;
    ``group_inputs(group, producer)`` says which inputs a group draws."""
    group_inputs = group_inputs or _group_inputs
    groups, group_of = [], {}
    for n in nodes:
        if not _is_variable(n):
            key = id(n.call) if n.call is not None else id(n)
            if key not in group_of:
                group_of[key] = _Group(n)
                groups.append(group_of[key])
            group_of[key].members.append(n)
            group_of[id(n)] = group_of[key]

    def producer(v):
        return None if v.creator is None else group_of.get(id(v.creator))

    roots = {id(o) for o in outputs}
    inputs = {id(g): group_inputs(g, producer) for g in groups}
    visible = set(roots)
    for ins in inputs.values():
        visible.update(id(x) for x in ins)
    out_nodes, out_edges, placed = [], [], set()

    def place(node):
        if id(node) not in placed:
            placed.add(id(node))
            out_nodes.append(node)

    for n in nodes:
        if _is_variable(n):
            if id(n) in visible:
                place(n)
                g = producer(n)
                if g is not None:
                    out_edges.append((g, n))
            continue
        g = group_of[id(n)]
        if id(g) not in placed:
            place(g)
            for x in inputs[id(g)]:
                if isinstance(x, _ArrayInput):
                    place(x)
                out_edges.append((x, g))
    return out_nodes, _in_walk_order(out_nodes, out_edges)


def _in_walk_order(nodes, edges):
    rank = {id(n): i for i, n in enumerate(nodes)}
    return sorted(edges, key=lambda e: (rank[id(e[1])], rank[id(e[0])]))


def _group_inputs(group, producer):
    """The inputs drawn for a group: what its primitives read from outside it, less
    constants made inside it, plus array arguments they do not read, in argument order."""
    declared = _declared_arguments(group.call, group.call and group.call[calls.KWARGS].values())
    positional = _declared_arguments(group.call, ())
    declared_ids = {id(a) for a in declared}
    found, seen = [], set()
    for node in group.members:
        for x in node.inputs or ():
            if id(x) in seen or producer(x) is group:
                continue
            seen.add(id(x))
            is_declared = id(x) in declared_ids or id(x._data) in declared_ids
            if x.creator is None and not x.requires_grad and not is_declared:
                continue        # a constant the function made (or a lifted scalar)
            found.append(x)
    found_arrays = {id(x._data) for x in found} | {id(x) for x in found}
    extra = [a if isinstance(a, Variable) else _ArrayInput(a)       # (not keyword
             for a in positional if id(a) not in found_arrays]    # state: running_mean)
    order = {id(a): i for i, a in enumerate(declared)}

    def position(x):
        return order.get(id(x), order.get(id(getattr(x, "_data", None)), len(order)))
    return sorted(found + extra, key=position)


def _declared_arguments(call, keywords):
    """The Variables and arrays passed to a call positionally and as `keywords`, lists
    and tuples opened one level."""
    if call is None:
        return []
    out = []
    for a in list(call[calls.ARGS]) + list(keywords):
        for item in (a if isinstance(a, (list, tuple)) else (a,)):
            if isinstance(item, Variable) or is_array(item):
                out.append(item)
    return out


_OPERATORS = {'add': '+', 'sub': '-', 'mul': '*', 'div': '/', 'pow': '**', 'matmul': '@'}
_UNARY = {'neg': '-_', 'absolute': 'Absolute'}


def _primitive_label(node):
    """Chainer's label of a primitive applied outside any F function: the operator
    with its constant operand (``_ * 2``), or the op's name."""
    name = node.label
    if name in _UNARY:
        return _UNARY[name]
    if name not in _OPERATORS or len(node.inputs or ()) != 2:
        return name
    lifted = getattr(node, 'lifted', ())
    operands = [_constant_text(x) if i in lifted else '_' for i, x in enumerate(node.inputs)]
    return f' {_OPERATORS[name]} '.join(operands)


def _constant_text(x):
    value = x._data.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _TracedValue:
    """An IR value drawn as a Variable: its label reads like `Variable.label`."""

    def __init__(self, value, creator):
        self.value = value
        self.creator = creator
        self.name = value.name if value.kind == 'param' else None
        self.shape, self.dtype = tuple(value.aval.shape), value.aval.dtype
        self._data = value.const if value.kind == 'const' else None


class _TracedNode:
    """An IR node drawn as a function, labelled with its op's name; `call` is the F call
    that applied it (from the trace's ``node_calls``), `inputs` its _TracedValues."""

    def __init__(self, node, call=None):
        self.node = node
        self.label = node.op.name
        self.call = call
        self.inputs = []

    @property
    def lifted(self):
        return [i for i, x in enumerate(self.inputs)
                if x._data is not None and x._data.size == 1]


def _traced_group_inputs(group, producer):
    """What a traced group reads from outside it, less constants and random keys."""
    found, seen = [], set()
    for node in group.members:
        for x in node.inputs:
            if id(x) in seen or producer(x) is group or x.value.kind in ('const', 'rng'):
                continue
            seen.add(id(x))
            found.append(x)
    return found


def build_traced_graph(graph, root, variable_style=_var_style, function_style=_func_style,
                       rankdir='TB', remove_variable=False, show_name=True, node_calls=None,
                       level='function'):
    """The `ComputationalGraph` of what IR value `root` of `graph` is computed from.

    The walk is the eager one: from `root` back through producers and their inputs
    in positional order, later nodes first, so names are stable.  Parameters are
    labelled with their path (``/predictor/l1/W: (100, 64), float32``).  With the
    trace's `node_calls` (IR node id -> the F call that applied it) and
    ``level='function'`` the nodes are grouped into Chainer's function nodes as in
    `build_computational_graph`; constants and random keys are not drawn.
    """
    if level not in ('function', 'primitive'):
        raise ValueError(f"level must be 'function' or 'primitive', got {level!r}")
    node_calls = node_calls or {}
    values, nodes = {}, {}

    def value(v):
        if v.id not in values:
            creator = None if v.producer is None else node(v.producer)
            values[v.id] = _TracedValue(v, creator)
        return values[v.id]

    def node(n):
        if n.id not in nodes:
            nodes[n.id] = _TracedNode(n, node_calls.get(n.id))
        return nodes[n.id]

    order, edges, seen, pushes = [], [], set(), itertools.count(1)
    heap = [(-_rank(root), 0, 'v', root)]
    while heap:
        _, _, kind, item = heapq.heappop(heap)
        key = (kind, item.id)
        if key in seen:
            continue
        seen.add(key)
        if kind == 'v':
            order.append(value(item))
            if item.producer is not None:
                edges.append((node(item.producer), value(item)))
                heapq.heappush(heap, (-2 * item.producer.id, next(pushes), 'n', item.producer))
        else:
            order.append(node(item))
            node(item).inputs = [value(x) for x in item.inputs]
            for x in item.inputs:
                edges.append((value(x), node(item)))
                heapq.heappush(heap, (-_rank(x), next(pushes), 'v', x))
    if level == 'function' and node_calls:
        order, edges = _function_level(order, edges, [value(root)], _traced_group_inputs)
    return ComputationalGraph(order, edges, variable_style, function_style, rankdir,
                              remove_variable, show_name)


def _rank(v):
    """Later values first: a node's outputs rank above the node, inputs lowest."""
    return -1 if v.producer is None else 2 * v.producer.id + 1


def dot_node_count(text):
    """The nodes a DOT text declares (``name [...]`` statements; not ``node [...]``)."""
    return sum(1 for line in text.splitlines()
               if _NODE_STATEMENT.match(line) and not line.lstrip().startswith(
                   ('node ', 'edge ', 'graph ')))


_NODE_STATEMENT = re.compile(r'^\s*("[^"]*"|\w+)\s*\[')


def render(dot_path, format='png'):
    """Renders a dot file into an image beside it (cg.dot -> cg.png); None where the
    `dot` binary is not installed (see `chainfuse.tracer.dot.render`)."""
    return dot.render(dot_path, format)

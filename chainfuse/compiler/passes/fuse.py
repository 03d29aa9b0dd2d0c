"""Fusion: maximal groups of elementwise ops become one `FusedOp` node each.

Fusible nodes are elementwise ops and ``broadcast_to`` (an index mapping inside a
kernel).  Walking the graph in order, a fusible node joins the groups of its fusible
producers that share its output shape, when that is legal: no path may leave a group
and come back into it through a node outside it (that would make the fused node
depend on itself).  Every node and group records the groups it transitively depends
on as a bit set, updated downstream when a group grows (`_Ancestry`), so the check is
one AND of two ints.  Groups of one node stay plain nodes.  The fused graph is then
put back in topological order (groups as single nodes), and every decision is kept
in `FusionReport` for printing.

A backend may compute a large float32 ``tanh`` faster with numpy's own loop than inside
a kernel (`Backend.numpy_tanh`: the numba backend, whose kernels compute numpy's table
algorithm with gathers).  Given that predicate (`numpy_tanh`), such a ``tanh`` stays out
of every group, and a ``sigmoid`` of that size is first written as what its numpy
``impl`` computes, ``tanh(x * 0.5) * 0.5 + 0.5`` in float32, so its multiply and its
affine tail fuse with their neighbours and only the ``tanh`` is a numpy call; the
numbers are eager's in both cases.

On a backend that compiles kernels (`split_elementwise`), a ``split`` of an elementwise
result that nothing else reads is moved above it: ``split(add(m, b))`` becomes the
``add`` of the pieces of ``m`` and ``b``, so each piece's ``add`` fuses with what reads
that piece (an LSTM's bias add joins its gates' kernels instead of being a pass of its
own over the whole pre-activation).  Each element is computed by the same op from the
same operands, so the numbers do not change.
"""
import heapq

import numpy

from chainfuse.compiler.kernel import FusedOp
from chainfuse.compiler.rewrite import Rewriter
from chainfuse.ops.registry import ELEMENTWISE, get_op


def fusible(node):
    return node.op.kind == ELEMENTWISE or node.op.name == 'broadcast_to'


def _split_pieces(rw, x, out_aval, axis, indices, loc):
    """The pieces of new-graph value `x` (an operand of an elementwise op whose result
    `out_aval` is split at `indices` along `axis`): x split along its own axis, or x
    itself for every piece when it broadcasts along that axis."""
    ax = axis - (out_aval.ndim - x.aval.ndim)
    n = len(indices) + 1
    if ax < 0 or x.aval.shape[ax] == 1 != out_aval.shape[axis]:
        return [x] * n
    return list(rw.emit(get_op('split'), [x], {'indices': indices, 'axis': ax},
                        loc).outputs)


def _split_elementwise(graph):
    """`graph` with each ``split`` of an elementwise result read only by that split
    moved above the op (module doc); the graph itself when there is none."""
    readers = {}
    for n in graph.nodes:
        for v in n.inputs:
            readers[v.id] = readers.get(v.id, 0) + 1
    for v, _, _ in graph.outputs:
        readers[v.id] = readers.get(v.id, 0) + 1

    def movable(n):
        # not over a broadcast_to operand: its pieces would be read-only numpy views,
        # which kernels do not take (a broadcast_to a kernel reads is fused into it)
        p = n.inputs[0].producer
        return n.op.name == 'split' and p is not None and p.op.kind == ELEMENTWISE and \
            len(p.outputs) == 1 and readers.get(p.outputs[0].id) == 1 and \
            not any(v.producer is not None and v.producer.op.name == 'broadcast_to'
                    for v in p.inputs)
    if not any(movable(n) for n in graph.nodes):
        return graph
    rw = Rewriter(graph)
    rw.copy_inputs()
    moved = {n.inputs[0].producer.id for n in graph.nodes if movable(n)}
    for n in graph.nodes:
        if n.id in moved:
            continue        # emitted piecewise by its split
        if not movable(n):
            rw.copy_node(n)
            continue
        p = n.inputs[0].producer
        out = p.outputs[0].aval
        axis, indices = n.attrs['axis'] % out.ndim, n.attrs['indices']
        pieces = [_split_pieces(rw, rw.map[v.id], out, axis, indices, n.loc)
                  for v in p.inputs]
        for k, v in enumerate(n.outputs):
            new = rw.dst.add_node(p.op, [ps[k] for ps in pieces], p.attrs, [v.aval], p.loc,
                                  out_ids=[v.id])
            rw.map[v.id] = new.outputs[0]
    rw.copy_outputs()
    return rw.dst


def _numpy_tanh_sigmoids(graph, numpy_tanh):
    """`graph` with each sigmoid whose result `numpy_tanh` accepts written as
    ``tanh(x * 0.5) * 0.5 + 0.5`` (float32 constants: the sigmoid impl's own steps); the
    result keeps the sigmoid's name.  The graph itself when there is none."""
    if not any(n.op.name == 'sigmoid' and numpy_tanh(n.outputs[0].aval)
               for n in graph.nodes):
        return graph
    rw = Rewriter(graph)
    rw.copy_inputs()
    halves = {}
    for n in graph.nodes:
        out = n.outputs[0]
        if n.op.name != 'sigmoid' or not numpy_tanh(out.aval):
            rw.copy_node(n)
            continue
        dtype = out.aval.dtype
        if dtype not in halves:
            halves[dtype] = rw.add_const(numpy.asarray(0.5, dtype))
        half = halves[dtype]
        x = rw.emit(get_op('mul'), [rw.map[n.inputs[0].id], half], {}, n.loc).outputs[0]
        y = rw.emit(get_op('tanh'), [x], {}, n.loc).outputs[0]
        y = rw.emit(get_op('mul'), [y, half], {}, n.loc).outputs[0]
        new = rw.dst.add_node(get_op('add'), [y, half], {}, [out.aval], n.loc,
                              out_ids=[out.id])
        rw.map[out.id] = new.outputs[0]
    rw.copy_outputs()
    return rw.dst


class FusionReport:
    def __init__(self):
        self.groups = []      # (FusedOp, [node descriptions])
        self.decisions = []   # text lines

    def __str__(self):
        lines = [f'fusion: {len(self.groups)} kernel(s)']
        for op, members in self.groups:
            lines.append(f'  {op.name}: {" ".join(members)}')
        lines += ['  ' + d for d in self.decisions]
        return '\n'.join(lines)


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def add(self, x):
        self.parent[x] = x

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra


class _Ancestry:
    """What every unit processed so far depends on, kept exact as groups grow.

    A *unit* is a group of fusible nodes (named by its union-find root) or one other
    node.  Sets of groups are Python ints used as bit sets over node positions: a group
    is in a set when any of its members' bits is.  ``closed[u]`` holds the groups unit
    ``u`` is or depends on, transitively through whole groups (a fused kernel runs after
    every input of any member, so whatever reads one member's result waits for all of
    them).  When a node joins groups and brings dependencies they lacked, every unit
    downstream of those groups inherits them (`grow`): a walk over the units that read
    them, stopping where the new dependencies are already known.  Each check of the
    grouping is then one AND of two ints, where recomputing the transitive closure for
    every check took time proportional to the whole graph per node (50 s for the 5000
    nodes of GoogLeNetBN's training step).
    """

    def __init__(self, uf):
        self.uf = uf
        self.closed = {}      # unit -> groups it is or depends on (bits)
        self.members = {}     # group -> its members (bits)
        self.readers = {}     # unit -> units that read one of its results (ids, maybe stale)

    def of(self, value):
        """The groups `value` depends on (its producer's unit's)."""
        p = value.producer
        return 0 if p is None else self.closed[self.uf.find(p.id)]

    def add(self, unit, closed, members, reads):
        self.closed[unit], self.members[unit] = closed, members
        self.readers[unit] = set()
        for r in reads:
            self.readers[self.uf.find(r)].add(unit)

    def merge(self, into, other):
        self.members[into] |= self.members.pop(other)
        self.readers[into] |= self.readers.pop(other)
        self.closed.pop(other)

    def grow(self, group):
        """Hands `group`'s dependencies to every unit downstream of it."""
        new = self.closed[group] & ~self.members[group]
        stack = list(self.readers[group])
        while stack:
            u = self.uf.find(stack.pop())
            if u == group or not new & ~self.closed[u]:
                continue
            self.closed[u] |= new | self.closed[group]
            stack.extend(self.readers[u])


def _assign_groups(graph, report, lone=frozenset()):
    uf = _UnionFind()
    anc = _Ancestry(uf)
    shape_of = {}          # fusible node or group id -> iteration shape
    position = {n.id: i for i, n in enumerate(graph.nodes)}

    def group(v):
        """The group of v's producer, when it is fusible."""
        p = v.producer
        return None if p is None or p.id not in shape_of else uf.find(p.id)

    def members_of(groups):
        out = 0
        for g in groups:
            out |= anc.members[g]
        return out

    for n in graph.nodes:
        uf.add(n.id)        # every node is a unit, named by its id until it joins a group
        reads = {uf.find(v.producer.id) for v in n.inputs if v.producer is not None}
        if not fusible(n) or n.id in lone:
            in_deps = 0
            for v in n.inputs:
                in_deps |= anc.of(v)
            anc.add(n.id, in_deps, 0, reads)
            continue
        shape = n.outputs[0].shape
        cands = []
        for v in n.inputs:
            g = group(v)
            if g is not None and shape_of[g] == shape and g not in cands:
                cands.append(g)
        chosen = []
        for g in cands:
            merged = members_of(chosen + [g])
            external = [v for v in n.inputs if group(v) not in chosen + [g]]
            if any(anc.of(v) & merged for v in external):
                report.decisions.append(f'{n.op.name} %{n.outputs[0].id}: not fused with '
                                        'a producer group (would create a cycle)')
                continue
            if any(anc.closed[g] & anc.members[c] or anc.closed[c] & anc.members[g]
                   for c in chosen):
                continue
            chosen.append(g)
        bit = 1 << position[n.id]
        closed = bit
        for v in n.inputs:
            if group(v) not in chosen:
                closed |= anc.of(v)
        for g in chosen:
            closed |= anc.closed[g]
        anc.add(n.id, closed, bit, [r for r in reads if r not in chosen])
        shape_of[n.id] = shape
        gid = n.id
        for g in chosen:
            root = uf.union(g, gid)
            anc.merge(root, gid if root == g else g)
            gid = root
        anc.closed[gid] = closed
        shape_of[gid] = shape
        if chosen:
            anc.grow(gid)
    members = {}
    for n in graph.nodes:
        if n.id in shape_of:
            members.setdefault(uf.find(n.id), []).append(n)
    return members


def _build_fused_op(nodes, consumers_outside):
    in_vals, in_index = [], {}
    body, tmp_index = [], {}
    for n in nodes:
        refs = []
        for v in n.inputs:
            if v.id in tmp_index:
                refs.append(('t', tmp_index[v.id]))
            else:
                if v.id not in in_index:
                    in_index[v.id] = len(in_vals)
                    in_vals.append(v)
                refs.append(('in', in_index[v.id]))
        out = n.outputs[0]
        tmp_index[out.id] = len(body)
        body.append((n.op, refs, dict(n.attrs), len(body)))
    out_vals = [n.outputs[0] for n in nodes if n.outputs[0].id in consumers_outside]
    op = FusedOp(body, [v.aval for v in in_vals], [('t', tmp_index[v.id]) for v in out_vals],
                 [v.aval for v in out_vals], nodes[-1].outputs[0].shape)
    return op, in_vals, out_vals


def fuse(graph, report=None, numpy_tanh=None, split_elementwise=False):
    """Returns a graph whose elementwise groups are FusedOp nodes (see module doc).
    `numpy_tanh`: None, or a predicate on a result's Aval: a tanh (and a sigmoid) whose
    result it accepts runs as numpy's tanh, outside every group; `split_elementwise`:
    move splits above the elementwise op they cut (both: module doc)."""
    report = report if report is not None else FusionReport()
    if split_elementwise:
        graph = _split_elementwise(graph)
    lone = frozenset()
    if numpy_tanh is not None:
        graph = _numpy_tanh_sigmoids(graph, numpy_tanh)
        lone = frozenset(n.id for n in graph.nodes
                         if n.op.name == 'tanh' and numpy_tanh(n.outputs[0].aval))
        report.decisions += [f'tanh%{n.outputs[0].id} runs as numpy.tanh (backend: '
                             'faster than in a kernel)' for n in graph.nodes if n.id in lone]
    members = _assign_groups(graph, report, lone)
    _sink(graph, members, report)
    group_nodes = {gid: ns for gid, ns in members.items() if len(ns) > 1}
    node_group = {n.id: gid for gid, ns in group_nodes.items() for n in ns}
    used_outside = _used_outside(graph, node_group)
    units = _topo_units(graph, group_nodes, node_group)
    rw = Rewriter(graph)
    rw.copy_inputs()
    for unit in units:
        if unit[0] == 'node':
            rw.copy_node(unit[1])
            continue
        nodes = group_nodes[unit[1]]
        op, in_vals, out_vals = _build_fused_op(nodes, used_outside)
        new = rw.dst.add_node(op, [rw.map[v.id] for v in in_vals], {},
                              list(op.out_avals), nodes[-1].loc,
                              out_ids=[v.id for v in out_vals])
        for old, nv in zip(out_vals, new.outputs):
            rw.map[old.id] = nv
        report.groups.append((op, [f'{n.op.name}%{n.outputs[0].id}' for n in nodes]))
    rw.copy_outputs()
    rw.dst.fusion = report
    return rw.dst


def _sink(graph, members, report):
    """Moves a group's trailing ops into the group that consumes them, when that saves
    the producing group stores.

    The producer-driven grouping puts ``1 - tanh(c)**2`` into the forward kernel that
    computes ``tanh(c)``, although only a backward kernel reads it: the forward kernel
    then stores both.  A member whose only users sit in one other group of the same
    shape is recomputed in that consumer instead, together with the members that feed
    only it; what they read from their own group must be stored anyway, so the
    producer stores less and the consumer reads a stored input in place of the result.
    The consumer already runs after the producer, so no cycle can appear.  Repeated
    until nothing moves."""
    gid_of = {n.id: g for g, ns in members.items() for n in ns}
    outputs = {v.id for v, _, _ in graph.outputs}
    position = {n.id: i for i, n in enumerate(graph.nodes)}
    moved = True
    while moved:
        moved = False
        for g, nodes in list(members.items()):
            for n in reversed(nodes if len(nodes) > 1 else ()):
                target = _sink_target(n, g, gid_of, outputs, members)
                tail = target is not None and _tail(n, g, gid_of, outputs)
                if not tail:
                    continue
                for m in tail:
                    nodes.remove(m)
                    members[target].append(m)
                    gid_of[m.id] = target
                members[target].sort(key=lambda m: position[m.id])
                report.decisions.append(
                    f'{" ".join(f"{m.op.name}%{m.outputs[0].id}" for m in tail)}: '
                    'computed in the kernel that reads them (fewer stores)')
                moved = True
                break


def _sink_target(n, g, gid_of, outputs, members):
    """The one other group of n's shape that reads n's result, or None."""
    out = n.outputs[0]
    if out.id in outputs or not out.users:
        return None
    targets = {gid_of.get(u.id) for u in out.users}
    if len(targets) != 1:
        return None
    (h,) = targets
    if h is None or h == g or members[h][0].outputs[0].shape != out.shape:
        return None
    return h


def _tail(n, g, gid_of, outputs):
    """n and the members of g that feed only it (recursively), when everything else
    they read from g is stored anyway; None otherwise."""
    tail, stack = [n], [n]
    while stack:
        m = stack.pop()
        for v in m.inputs:
            p = v.producer
            if p is None or gid_of.get(p.id) != g or p in tail:
                continue
            stored = v.id in outputs or any(gid_of.get(u.id) != g and u not in tail
                                            for u in v.users)
            if stored:
                continue
            if all(u in tail for u in v.users) and len(p.outputs) == 1:
                tail.append(p)
                stack.append(p)
            else:
                return None
    # a member pulled in must not be read by a member left behind
    for m in tail[1:]:
        if any(gid_of.get(u.id) == g and u not in tail for u in m.outputs[0].users):
            return None
    return tail


def _used_outside(graph, node_group):
    used = set()
    for n in graph.nodes:
        g = node_group.get(n.id)
        for v in n.inputs:
            p = v.producer
            if p is not None and p.id in node_group and node_group[p.id] != g:
                used.add(v.id)
    for v, _, _ in graph.outputs:
        used.add(v.id)
    return used


def _topo_units(graph, group_nodes, node_group):
    """Topological order of plain nodes and groups, stable w.r.t. the original order."""
    unit_of = {}
    units = {}
    position = {}
    for i, n in enumerate(graph.nodes):
        key = ('group', node_group[n.id]) if n.id in node_group else ('node', n.id)
        unit_of[n.id] = key
        units[key] = n if key[0] == 'node' else key[1]
        position[key] = i  # the last member's position
    preds = {k: set() for k in units}
    succs = {k: set() for k in units}
    for n in graph.nodes:
        for v in n.inputs:
            if v.producer is not None:
                a, b = unit_of[v.producer.id], unit_of[n.id]
                if a != b:
                    preds[b].add(a)
                    succs[a].add(b)
    heap = [(position[k], k) for k in units if not preds[k]]
    heapq.heapify(heap)
    order = []
    while heap:
        _, k = heapq.heappop(heap)
        order.append((k[0], units[k]))
        for s in succs[k]:
            preds[s].discard(k)
            if not preds[s]:
                heapq.heappush(heap, (position[s], s))
    if len(order) != len(units):
        raise RuntimeError('fusion produced a cycle (a bug in the legality check)')
    return order

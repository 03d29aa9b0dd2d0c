"""Fusion: maximal groups of elementwise ops become one `FusedOp` node each.

Fusible nodes are elementwise ops and ``broadcast_to`` (an index mapping inside a
kernel).  Walking the graph in order, a fusible node joins the groups of its fusible
producers that share its output shape, when that is legal: no path may leave a group
and come back into it through a node outside it (that would make the fused node
depend on itself).  Each value records the groups it transitively depends on, so the
check is a set lookup.  Groups of one node stay plain nodes.  The fused graph is then
put back in topological order (groups as single nodes), and every decision is kept
in `FusionReport` for printing.
"""
import heapq

from chainfuse.compiler.kernel import FusedOp
from chainfuse.compiler.rewrite import Rewriter
from chainfuse.ops.registry import ELEMENTWISE


def fusible(node):
    return node.op.kind == ELEMENTWISE or node.op.name == 'broadcast_to'


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


def _assign_groups(graph, report):
    uf = _UnionFind()
    group_of = {}          # node id -> group id (a node id)
    shape_of = {}          # group id -> iteration shape
    anc = {}               # value id -> set of group ids it depends on (maybe stale ids)
    grp_anc = {}           # group id -> groups its external inputs depend on

    def closure(groups):
        # a fused group depends on everything any of its members depends on, so
        # group ancestry is closed transitively at check time (members join later)
        out, stack = set(), [uf.find(g) for g in groups]
        while stack:
            g = stack.pop()
            if g in out:
                continue
            out.add(g)
            stack.extend(uf.find(x) for x in grp_anc.get(g, ()))
        return out

    def deps(v):
        return closure(anc.get(v.id, ()))

    for n in graph.nodes:
        in_deps = set()
        for v in n.inputs:
            in_deps |= deps(v)
        if not fusible(n):
            for v in n.outputs:
                anc[v.id] = in_deps
            continue
        shape = n.outputs[0].shape
        cands = []
        for v in n.inputs:
            p = v.producer
            if p is None or p.id not in group_of:
                continue
            g = uf.find(group_of[p.id])
            if shape_of[g] == shape and g not in cands:
                cands.append(g)
        chosen = []
        for g in cands:
            merged = set(chosen) | {g}
            external = [v for v in n.inputs if v.producer is None or v.producer.id not in
                        group_of or uf.find(group_of[v.producer.id]) not in merged]
            if any(deps(v) & merged for v in external):
                report.decisions.append(f'{n.op.name} %{n.outputs[0].id}: not fused with '
                                        'a producer group (would create a cycle)')
                continue
            if any(c in closure(grp_anc[g]) or g in closure(grp_anc[c]) for c in chosen):
                continue
            chosen.append(g)
        uf.add(n.id)
        gid = n.id
        shape_of[gid] = shape
        grp_anc[gid] = set()
        external_deps = set()
        for v in n.inputs:
            p = v.producer
            if p is None or p.id not in group_of or uf.find(group_of[p.id]) not in chosen:
                external_deps |= deps(v)
        for g in chosen:
            external_deps |= {uf.find(x) for x in grp_anc[g]}
            gid = uf.union(g, gid)
        shape_of[gid] = shape
        grp_anc[gid] = external_deps - {gid}
        group_of[n.id] = gid
        for v in n.outputs:
            anc[v.id] = external_deps | {gid}
    members = {}
    for n in graph.nodes:
        if n.id in group_of:
            members.setdefault(uf.find(group_of[n.id]), []).append(n)
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


def fuse(graph, report=None):
    """Returns a graph whose elementwise groups are FusedOp nodes (see module doc)."""
    report = report if report is not None else FusionReport()
    members = _assign_groups(graph, report)
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

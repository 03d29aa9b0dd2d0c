"""The memory plan: which buffer each step writes, what it frees, the peak bytes.

`plan_memory(plan)` runs on a lowered `Plan` (before its kernels are built) and gives
every kernel output that stays inside the plan a buffer owned by the plan: buffers are
reused by liveness (a buffer whose value is dead serves the next output of the same
shape and dtype), an elementwise kernel may write into the buffer of a dense input it
is the last reader of, and ops with ``writes_out`` (``matmul``) get buffers too.
Values that leave the plan (results, saved values, gradients) are fresh arrays, except
new values of state inputs (parameters, optimizer and BatchNorm state): a kernel that
computes one writes it straight into the state's own array when nothing reads the old
value afterwards, so writing it back costs nothing.  Memory is shared only through an
op whose result ``may_alias`` its input (a view): such values count as one.

It sets, per step, ``buffers``, ``inplace`` and ``frees``; on the plan ``buffer_avals``,
``donated``, ``peak_bytes`` (the largest total of live intermediate bytes, known before
the plan runs) and ``buffer_bytes``.
"""


def plan_memory(plan):
    """Plans `plan`'s memory in place (module doc); returns the plan."""
    root = _alias_roots(plan)
    last = {}
    for i, step in enumerate(plan.steps):
        for s in step.ins:
            last[s] = i
    escaping = set(plan.output_slots)
    inputs = set(range(len(plan.graph.inputs)))
    for i, step in enumerate(plan.steps):
        step.frees = tuple(sorted(s for s in set(step.ins) if last.get(s) == i and
                                  s not in escaping and s not in inputs))
    root_last = {}
    for s, i in last.items():
        r = root[s]
        root_last[r] = max(root_last.get(r, -1), i)
    donate = _donations(plan, root, root_last)
    plan.buffer_avals = []
    plan.peak_bytes = _assign_buffers(plan, root, root_last, donate, escaping)
    plan.donated = donate
    plan.buffer_bytes = sum(a.nbytes for a in plan.buffer_avals)
    return plan


def _alias_roots(plan):
    """Slot -> the slot whose memory it may share (ops whose result may alias)."""
    root = {}
    for v in plan.graph.inputs:
        root[plan.slot_of[v.id]] = plan.slot_of[v.id]
    for n in plan.graph.nodes:
        for v in n.outputs:
            s = plan.slot_of[v.id]
            root[s] = root[plan.slot_of[n.inputs[0].id]] if n.op.may_alias and n.inputs else s
    return root


def _assign_buffers(plan, root, root_last, donate, escaping):
    """Gives kernel and out= steps their targets; returns the peak of live bytes."""
    aval_of = plan.slot_avals
    escaping_roots = {root[s] for s in escaping}
    free = {}                   # (shape, dtype) -> [buffer index]
    owner = {}                  # root slot -> buffer index
    releases = {}               # step index -> root slots whose buffer frees there
    for r, i in root_last.items():
        releases.setdefault(i, []).append(r)
    live_bytes, peak = 0, 0
    for i, step in enumerate(plan.steps):
        if step.mode in ('kernel', 'out'):
            step.buffers = []
            dying = [] if step.mode == 'out' else [
                r for r in releases.get(i, ()) if r in step.ins and r in owner and
                aval_of[r].shape == step.op.shape and
                not any(root[x] == r and x != r for x in step.ins)]
            for k, s in enumerate(step.outs):
                aval = aval_of[s]
                if s in donate:
                    step.buffers.append(('input', donate[s]))
                    if donate[s] in step.ins:
                        step.inplace[k] = step.ins.index(donate[s])
                    continue
                if s in escaping_roots or s not in root_last:
                    step.buffers.append(None)
                    continue
                key = (aval.shape, aval.dtype)
                reuse = next((d for d in dying if (aval_of[d].shape,
                                                   aval_of[d].dtype) == key), None)
                if reuse is not None:       # write in place over a dead dense input
                    dying.remove(reuse)
                    b = owner.pop(reuse)
                    step.inplace[k] = step.ins.index(reuse)
                elif free.get(key):
                    b = free[key].pop()
                else:
                    b = len(plan.buffer_avals)
                    plan.buffer_avals.append(aval)
                owner[s] = b
                step.buffers.append(('buf', b))
        for s in step.outs:
            if s not in donate:
                live_bytes += aval_of[s].nbytes
        peak = max(peak, live_bytes)
        for s in step.frees:
            live_bytes -= aval_of[s].nbytes
        for r in releases.get(i, ()):
            b = owner.pop(r, None)
            if b is not None:
                a = plan.buffer_avals[b]
                free.setdefault((a.shape, a.dtype), []).append(b)
    return peak


def _donations(plan, root, root_last):
    """Output slot -> input slot: new values of state inputs that a kernel may write
    straight into the state's array.  Safe when the value leaves the plan only as
    that state, nothing reads the old array (or a view of it) after the kernel, the
    kernel itself reads it only densely, and no other result shares its memory."""
    g = plan.graph
    avals = plan.slot_avals
    by_name = {v.name: plan.slot_of[v.id] for v in g.inputs
               if v.kind in ('param', 'persistent')}
    out_count = {}
    for s in plan.output_slots:
        out_count[s] = out_count.get(s, 0) + 1
    producer = {s: i for i, step in enumerate(plan.steps) for s in step.outs}
    donate, taken = {}, set()
    for (v, kind, name), s in zip(g.outputs, plan.output_slots):
        u = by_name.get(name)
        if kind != 'state' or u is None or u in taken or out_count[s] != 1:
            continue
        i = producer.get(s)
        if i is None or plan.steps[i].mode != 'kernel':
            continue
        step = plan.steps[i]
        if avals[s] != avals[u] or root_last.get(u, -1) > i:
            continue
        if any(root[x] == u and (x != u or avals[x].shape != step.op.shape)
               for x in step.ins):
            continue
        if any(root[x] == u for x in plan.output_slots if x != s):
            continue
        donate[s] = u
        taken.add(u)
    return donate

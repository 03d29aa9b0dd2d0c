"""Plans: a graph lowered to a flat list of steps, run by a generated executor.

A `Plan` is data: its graph, the backend's name, value slots, `Step`s (each calls one
function -- a compiled fused kernel, or a registry op's ``impl`` -- on slots and writes
its results), the buffers the memory plan owns and the peak bytes it computed, the
kernels and the executor's source.  Three stages fill it, each its own function:

    lower(graph, backend)   Graph -> Plan: slots and steps     (chainfuse.compiler.lowering)
    plan_memory(plan)       buffers, in-place writes, frees    (chainfuse.compiler.memory)
    build(plan)             kernels + executor source          (chainfuse.compiler.executor)

``Plan(graph, backend='auto')`` runs the three.  ``str(plan)`` prints the steps, where
each result is written and the buffers; ``plan.source`` is the one straight-line Python
function a call runs (no per-step dispatch, values in local variables, each released
after its last use).  For a two-layer MLP forward it reads::

    def run(v0, v1, v2, v3, v4):
        # %5:f32[8,100] = matmul(%0, %1) transb=True
        s0(v0, v1, out=b0)
        v5 = b0
        # %7:f32[8,100] = fused_add_maximum_9fe1d3c2(%5, %2, %6)
        k0(v5, asarray(v2, order='C'), v6, b1)
        v7 = b1
        del v5
        ...
        return [v11]

The same generator serves every backend; the backend (`chainfuse.compiler.backends`)
supplies the kernels and the names the source calls (``empty``, ``asarray``).
"""
import functools


class Step:
    __slots__ = ('fn', 'op', 'ins', 'outs', 'frees', 'label', 'node', 'buffers', 'mode',
                 'inplace', 'windows')

    def __init__(self, fn, op, ins, outs, node, mode):
        self.fn = fn              # the callable (for a kernel: the backend's kernel, once built)
        self.op = op              # the op run (a FusedOp for a kernel)
        self.ins = ins
        self.outs = outs
        self.frees = ()
        self.label = op.name
        self.node = node
        self.mode = mode          # 'kernel' (compiled), 'out' (impl with out=), 'call'
        self.buffers = None       # per output: ('buf', i), ('input', slot) or None (fresh)
        self.inplace = {}         # output index -> index of the input it overwrites
        self.windows = {}         # input index -> offset: a kernel input read as a slice
                                  # of the array in that slot (lowering._window_inputs)


class Plan:
    """A lowered graph (see module doc).  Call it with the graph's runtime inputs."""

    def __init__(self, graph, backend='auto', segments=None):
        # the stages build on this class, so they are imported when a Plan is made;
        # segments: native segments on/off (None: CHAINFUSE_NATIVE_SEGMENTS)
        from chainfuse.compiler.executor import build
        from chainfuse.compiler.lowering import lower
        from chainfuse.compiler.memory import plan_memory
        build(plan_memory(lower(graph, backend, plan=self)), segments)

    def reset(self, graph, backend):
        """Empties the plan for `graph` on `backend` (a Backend); `lower` fills it."""
        self.graph = graph
        self.target = backend
        self.backend = backend.name
        self.slot_names, self.slot_of = [], {}
        self.input_slots, self.output_slots = [], []
        self.steps = []
        self.beside_blas = False     # the plan calls BLAS (kernels then get no thread pool)
        self.buffer_avals = []       # the plan-owned buffers (memory plan)
        self.donated = {}            # output slot -> state input slot it is written into
        self.peak_bytes = None
        self.buffer_bytes = 0
        self.kernels = []
        self.segments = []           # native segments (chainfuse.compiler.segments)
        self.segment_notes = []      # why steps a segment could take stay Python calls
        self.source = None
        self._run = None
        self.__dict__.pop('slot_avals', None)
        return self

    @property
    def xp(self):
        return self.target.xp

    # ---- the executor ----
    def _namespace(self):
        backend = self.target
        ns = backend.namespace()
        for a in self.slot_avals.values():
            ns[a.dtype.name] = a.dtype
        for k, step in enumerate(self.steps):
            ns[f'k{k}' if step.mode == 'kernel' else f's{k}'] = \
                step.fn.fn if step.mode == 'kernel' else step.fn
        for v in self.graph.inputs:
            if v.kind == 'const':
                ns[f'v{v.id}'] = v.const
        for b, a in enumerate(self.buffer_avals):
            ns[f'b{b}'] = backend.empty(a.shape, a.dtype)
        for g, seg in enumerate(self.segments):
            ns[f'g{g}'], ns[f'd{g}'], ns[f'p{g}'] = seg.fn, seg.dims, seg.pointers
        if self.segments:
            from chainfuse.compiler.segments import IndexCheckFailed
            ns['IndexCheckFailed'] = IndexCheckFailed
        return ns

    def _build(self):
        if self.source is None:
            raise RuntimeError(f'plan {self.graph.name} is not built yet: run '
                               'chainfuse.compiler.executor.build(plan) first')
        ns = self._namespace()
        code = compile(self.source, f'<plan {self.graph.name}>', 'exec')
        exec(code, ns)
        self._run = ns['run']

    def __call__(self, *arrays):
        if len(arrays) != len(self.input_slots):
            raise TypeError(f'plan {self.graph.name} takes {len(self.input_slots)} inputs, '
                            f'got {len(arrays)}')
        if self._run is None:
            self._build()
        return self._run(*arrays)

    @functools.cached_property
    def slot_avals(self):
        out = {}
        for v in self.graph.inputs:
            out[self.slot_of[v.id]] = v.aval
        for n in self.graph.nodes:
            for v in n.outputs:
                out[self.slot_of[v.id]] = v.aval
        return out

    # ---- reporting ----
    @property
    def n_kernels(self):
        """Launches per run: one per step (a fused group counts once)."""
        return len(self.steps)

    @property
    def n_calls(self):
        """Python-level calls per run: one per native segment, one per other step."""
        return len(self.steps) - sum(len(seg) - 1 for seg in self.segments)

    def describe_calls(self):
        covered = sum(len(seg) for seg in self.segments)
        return (f'{len(self.segments)} native segment(s) covering {covered} of '
                f'{len(self.steps)} steps; {self.n_calls} Python-level call(s) per run')

    def __str__(self):
        peak = 'memory not planned' if self.peak_bytes is None else \
            f'peak {self.peak_bytes} bytes (plan-owned buffers {self.buffer_bytes} bytes)'
        lines = [f'plan {self.graph.name}: {len(self.steps)} steps, '
                 f'{len(self.kernels)} fused kernel(s), {peak}, backend {self.backend}']
        seg_starts = {seg.start: g for g, seg in enumerate(self.segments)}
        seg_ends = {seg.stop - 1: g for g, seg in enumerate(self.segments)}
        lines.append('  ' + self.describe_calls())
        lines += [f'  ({note})' for note in self.segment_notes]
        for i, step in enumerate(self.steps):
            n = step.node
            if i in seg_starts:
                seg = self.segments[seg_starts[i]]
                lines.append(f'       (native segment g{seg_starts[i]}: '
                             f'{seg.describe(self)[len("native segment "):]})')
            outs = ', '.join(f'%{v.id}:{v.aval}' for v in n.outputs)
            ins = ', '.join(f'%{v.id}' for v in n.inputs)
            where = ''
            if step.buffers is not None:
                where = '  -> ' + ', '.join(self._describe_target(b) for b in step.buffers)
            frees = f'  free {len(step.frees)}' if step.frees else ''
            lines.append(f'  {i:3d}: {outs} = {step.label}({ins}){where}{frees}')
            if i in seg_ends:
                lines.append(f'       (end of native segment g{seg_ends[i]})')
        if self.buffer_avals:
            lines.append('  buffers: ' + ', '.join(f'buf{b}:{a}'
                                                   for b, a in enumerate(self.buffer_avals)))
        for k in self.kernels:
            note = f'  [numpy fallback: {k.fallback_reason}]' if k.fallback_reason else ''
            lines.append('  kernel ' + k.op.describe().replace('\n', '\n  ') + note)
        return '\n'.join(lines)

    def verify(self):
        """Checks the plan's invariants: every step reads slots written before it (or
        inputs), writes each slot once, targets buffers that exist, frees only slots it
        reads; every output slot is written.  Raises IRError naming the step."""
        from chainfuse.tracer.ir import IRError
        written = set(self.slot_of[v.id] for v in self.graph.inputs)
        for i, step in enumerate(self.steps):
            where = f'plan {self.graph.name} step {i} ({step.label})'
            for s in step.ins:
                if s not in written:
                    raise IRError(f'{where}: reads {self.slot_names[s]} before it is written')
            for s in step.outs:
                if s in written:
                    raise IRError(f'{where}: writes {self.slot_names[s]} a second time')
                written.add(s)
            for target in step.buffers or ():
                if target is not None and target[0] == 'buf' and \
                        not 0 <= target[1] < len(self.buffer_avals):
                    raise IRError(f'{where}: writes buffer {target[1]}, which the plan '
                                  f'does not own ({len(self.buffer_avals)} buffers)')
            if not set(step.frees) <= set(step.ins):
                raise IRError(f'{where}: frees a slot it does not read')
        for s in self.output_slots:
            if s not in written:
                raise IRError(f'plan {self.graph.name}: output {self.slot_names[s]} is '
                              'never written')
        self._verify_segments()
        return self

    def _verify_segments(self):
        """Each native segment covers steps of this plan that run natively, apart from the
        others; takes every slot its steps read from before it (and only those), and
        returns every slot it writes that a later step or the plan's results read."""
        from chainfuse.compiler.segments import native_kind
        from chainfuse.tracer.ir import IRError
        end = 0
        for g, seg in enumerate(self.segments):
            where = f'plan {self.graph.name} native segment g{g} (steps {seg.start}-' \
                    f'{seg.stop - 1})'
            if not end <= seg.start < seg.stop <= len(self.steps) or len(seg) < 2:
                raise IRError(f'{where}: overlaps another segment or runs past the plan '
                              f'({len(self.steps)} steps)')
            end = seg.stop
            steps = self.steps[seg.start:seg.stop]
            for k, step in enumerate(steps, seg.start):
                if native_kind(self, step) is None:
                    raise IRError(f'{where}: step {k} ({step.label}) cannot run natively')
            made = {s for step in steps for s in step.outs}
            read = {s for step in steps for s in step.ins} | \
                {t[1] for step in steps for t in step.buffers or () if t and t[0] == 'input'}
            if set(seg.ins) != read - made:
                raise IRError(f'{where}: takes slots {sorted(seg.ins)}, its steps read '
                              f'{sorted(read - made)} from before it')
            later = set(self.output_slots).union(
                *[step.ins for step in self.steps[seg.stop:]])
            if set(seg.outs) != made & later:
                raise IRError(f'{where}: returns slots {sorted(seg.outs)}, later steps read '
                              f'{sorted(made & later)} of what it writes')
            if seg.fn is None:
                raise IRError(f'{where}: is not compiled')

    def dot_part(self, title):
        """(title, graph, node label, clusters) of this plan for `graphs_to_dot`: each
        fused kernel a cluster labelled with its ops."""
        g = self.graph
        clusters = {f'n{n.id}': (n.op.name, [n.id]) for n in g.nodes
                    if getattr(n.op, 'is_fused', False)}

        def label(node):
            if getattr(node.op, 'is_fused', False):
                ops = '\\n'.join(f't{j} = {op.name}' for op, _, _, j in node.op.body)
                outs = ', '.join(str(a) for a in node.op.out_avals)
                return f'{node.op.name}\\n{ops}\\n-> {outs}'
            return node.op.name
        return (title, g, label, clusters)

    def to_dot(self):
        """DOT of the plan's graph with each fused kernel drawn as a cluster of its ops."""
        from chainfuse.tracer.dot import graph_to_dot
        _, g, label, clusters = self.dot_part(self.graph.name)
        return graph_to_dot(g, node_label=label, clusters=clusters)

    def _describe_target(self, where):
        if where is None:
            return 'fresh'
        if where[0] == 'buf':
            return f'buf{where[1]}'
        return f'in place into %{self.slot_names[where[1]][1:]}'


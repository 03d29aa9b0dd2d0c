"""Plans: a graph lowered to a flat list of steps, run by a generated executor.

Each `Step` calls one function (a compiled fused kernel, or a registry op's ``impl``)
on values and writes its results.  The memory plan gives every kernel output that
stays inside the plan a buffer owned by the plan: buffers are reused by liveness (a
buffer whose value is dead serves the next output of the same shape and dtype), an
elementwise kernel may write into the buffer of a dense input it is the last reader
of, and ops that can write into a given array (``matmul``) get buffers too.  Values
that leave the plan (results, saved values, gradients) are fresh arrays, except new
values of state inputs (parameters, optimizer and BatchNorm state): a kernel that
computes one writes it straight into the state's own array when nothing reads the old
value afterwards, so writing it back costs nothing.  `Plan.peak_bytes` is the largest
total of live intermediate bytes, known before the plan runs.

The steps are lowered once more, to the source of one straight-line Python function
(``plan.source``), which is what a call runs: no per-step dispatch, values in local
variables, each released after its last use.  For a two-layer MLP forward it reads::

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
"""
import functools

import numpy

from chainfuse.compiler.codegen.cpu import CpuKernel, PARALLEL_MIN_SIZE, numba_available
from chainfuse.compiler.kernel import FusedOp
from chainfuse.ops.registry import CONV, ELEMENTWISE, LINALG, MOVEMENT, OTHER

# A lone elementwise op stays a numpy call (numpy's loops are SIMD, including exp and
# log), except those numpy runs with a branch per element: those become kernels.
KERNEL_WHEN_ALONE = frozenset({'where'})
# Ops whose impl takes ``out=`` (it writes the result into a given array).
WRITES_OUT = frozenset({'matmul'})


class Step:
    __slots__ = ('fn', 'op', 'ins', 'outs', 'frees', 'label', 'node', 'buffers', 'mode',
                 'inplace')

    def __init__(self, fn, op, ins, outs, node, mode):
        self.fn = fn              # the callable (for a kernel: its CpuKernel, once built)
        self.op = op              # the op run (a FusedOp for a kernel)
        self.ins = ins
        self.outs = outs
        self.frees = ()
        self.label = op.name
        self.node = node
        self.mode = mode          # 'kernel' (compiled), 'out' (impl with out=), 'call'
        self.buffers = None       # per output: ('buf', i), ('input', slot) or None (fresh)
        self.inplace = {}         # output index -> index of the input it overwrites


def _impl(op, xp, attrs):
    return functools.partial(op.impl, xp, **attrs) if attrs else functools.partial(op.impl, xp)


class Plan:
    """A lowered graph (see module doc).  Call it with the graph's runtime inputs."""

    def __init__(self, graph, backend='auto', xp=numpy):
        if backend not in ('auto', 'numba', 'numpy'):
            raise ValueError(f"backend must be 'auto', 'numba' or 'numpy', got {backend!r}")
        if backend == 'numba' and not numba_available():
            raise RuntimeError("backend='numba' was requested but numba is not installed")
        self.graph = graph
        self.backend = 'numba' if backend == 'auto' and numba_available() else backend
        self.xp = xp
        self.kernels = []
        self._lower()
        self._plan_memory()
        self._build_kernels(self._blas)
        self.source = self._generate()
        self._run = None

    # ---- lowering ----
    def _lower(self):
        g = self.graph
        slot = {}
        self.slot_names = []
        for v in g.inputs:
            slot[v.id] = len(self.slot_names)
            self.slot_names.append(f'v{v.id}')
        self.input_slots = [slot[v.id] for v in g.runtime_inputs]
        blas = any(n.op.kind in (LINALG, CONV) for n in g.nodes)
        self._blas = blas
        self.steps = []
        for n in g.nodes:
            for v in n.outputs:
                slot[v.id] = len(self.slot_names)
                self.slot_names.append(f'v{v.id}')
            ins = [slot[v.id] for v in n.inputs]
            outs = [slot[v.id] for v in n.outputs]
            self.steps.append(self._lower_node(n, ins, outs, blas))
        self.output_slots = [slot[v.id] for v, _, _ in g.outputs]
        self.slot_of = slot

    def _lower_node(self, n, ins, outs, blas):
        op = n.op
        fused = getattr(op, 'is_fused', False)
        if not fused and op.kind == ELEMENTWISE and op.name in KERNEL_WHEN_ALONE and \
                self.backend == 'numba':
            op, fused = FusedOp.of_node(n), True
            ins = list(dict.fromkeys(ins))   # of_node takes a repeated input once
        if fused and self.backend == 'numba':
            return Step(None, op, ins, outs, n, 'kernel')     # built after memory planning
        if fused:
            self.kernels.append(self._kernel(op, blas, {}, "backend='numpy'"))
            return Step(_impl(op, self.xp, {}), op, ins, outs, n, 'call')
        if op.name in WRITES_OUT:
            return Step(_impl(op, self.xp, n.attrs), op, ins, outs, n, 'out')
        return Step(_impl(op, self.xp, n.attrs), op, ins, outs, n, 'call')

    @staticmethod
    def _kernel(op, blas, inplace, fallback_reason=None):
        size = 1
        for s in op.shape:
            size *= s
        # BLAS threads spin between calls; a kernel thread pool beside them only loses
        kernel = CpuKernel(op, parallel=not blas and size >= PARALLEL_MIN_SIZE,
                           inplace=inplace)
        if fallback_reason is None:
            kernel.compile()
        else:
            kernel.fallback_reason = fallback_reason
        return kernel

    def _build_kernels(self, blas):
        """Compiles each kernel for the memory plan's choices (which outputs overwrite
        which inputs); a kernel that fails to build runs as numpy calls."""
        for step in self.steps:
            if step.mode != 'kernel':
                continue
            kernel = self._kernel(step.op, blas, step.inplace)
            self.kernels.append(kernel)
            if kernel.fn is not None:
                step.fn = kernel
            else:
                step.fn, step.mode, step.buffers = _impl(step.op, self.xp, {}), 'call', None

    # ---- liveness and buffers ----
    def _alias_roots(self):
        """Slot -> the slot whose memory it may share (movement ops may return views)."""
        root = {}
        for v in self.graph.inputs:
            root[self.slot_of[v.id]] = self.slot_of[v.id]
        for n in self.graph.nodes:
            views = n.op.kind in (MOVEMENT, OTHER) or n.op.name == 'astype'
            for v in n.outputs:
                s = self.slot_of[v.id]
                root[s] = root[self.slot_of[n.inputs[0].id]] if views and n.inputs else s
        return root

    def _plan_memory(self):
        g = self.graph
        root = self._alias_roots()
        last = {}
        for i, step in enumerate(self.steps):
            for s in step.ins:
                last[s] = i
        escaping = set(self.output_slots)
        inputs = set(range(len(g.inputs)))
        for i, step in enumerate(self.steps):
            step.frees = tuple(sorted(s for s in set(step.ins) if last.get(s) == i and
                                      s not in escaping and s not in inputs))
        root_last, escaping_roots = {}, {root[s] for s in escaping}
        for s, i in last.items():
            r = root[s]
            root_last[r] = max(root_last.get(r, -1), i)
        donate = self._donations(root, root_last)
        aval_of = self._slot_avals
        self.buffer_avals = []
        free = {}                   # (shape, dtype) -> [buffer index]
        owner = {}                  # root slot -> buffer index
        releases = {}               # step index -> root slots whose buffer frees there
        for r, i in root_last.items():
            releases.setdefault(i, []).append(r)
        live_bytes, peak = 0, 0
        for i, step in enumerate(self.steps):
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
                        b = len(self.buffer_avals)
                        self.buffer_avals.append(aval)
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
                    a = self.buffer_avals[b]
                    free.setdefault((a.shape, a.dtype), []).append(b)
        self.donated = donate
        self.peak_bytes = peak
        self.buffer_bytes = sum(a.nbytes for a in self.buffer_avals)

    def _donations(self, root, root_last):
        """Output slot -> input slot: new values of state inputs that a kernel may write
        straight into the state's array.  Safe when the value leaves the plan only as
        that state, nothing reads the old array (or a view of it) after the kernel, the
        kernel itself reads it only densely, and no other result shares its memory."""
        g = self.graph
        by_name = {v.name: self.slot_of[v.id] for v in g.inputs
                   if v.kind in ('param', 'persistent')}
        out_count = {}
        for s in self.output_slots:
            out_count[s] = out_count.get(s, 0) + 1
        producer = {s: i for i, step in enumerate(self.steps) for s in step.outs}
        donate, taken = {}, set()
        for (v, kind, name), s in zip(g.outputs, self.output_slots):
            u = by_name.get(name)
            if kind != 'state' or u is None or u in taken or out_count[s] != 1:
                continue
            i = producer.get(s)
            if i is None or self.steps[i].mode != 'kernel':
                continue
            step = self.steps[i]
            if self._slot_avals[s] != self._slot_avals[u] or root_last.get(u, -1) > i:
                continue
            if any(root[x] == u and (x != u or self._slot_avals[x].shape != step.op.shape)
                   for x in step.ins):
                continue
            if any(root[x] == u for x in self.output_slots if x != s):
                continue
            donate[s] = u
            taken.add(u)
        return donate

    # ---- the generated executor ----
    def _generate(self):
        names = self.slot_names
        known_c = set()             # slots known to hold C-contiguous arrays
        lines = ['def run(' + ', '.join(names[s] for s in self.input_slots) + '):']
        for k, step in enumerate(self.steps):
            lines.append(f'    # {step.node.format()}')
            lines += ['    ' + text for text in self._step_source(k, step, known_c)]
            if step.frees:
                lines.append('    del ' + ', '.join(names[s] for s in step.frees))
        outs = []
        for s in self.output_slots:
            outs.append(f'as_array({names[s]})' if not self._slot_avals[s].shape
                        else names[s])
        lines.append(f'    return [{", ".join(outs)}]')
        return '\n'.join(lines) + '\n'

    def _step_source(self, k, step, known_c):
        names = self.slot_names
        outs = [names[s] for s in step.outs]
        if step.mode == 'call':
            # an impl returns one array, or a sequence for an op of several outputs
            single = getattr(step.node.op, 'n_outputs', 1) == 1 and len(outs) == 1
            target = outs[0] if single else ', '.join(outs) + ','
            return [f'{target} = s{k}({", ".join(names[s] for s in step.ins)})']
        lines = []

        def contiguous(slot):
            # kernels take C-contiguous arrays; an array written in place is bound to a
            # name first, so that what was written is what the plan hands on
            if slot in known_c:
                return names[slot]
            lines.append(f"c{slot} = asarray({names[slot]}, order='C')")
            return f'c{slot}'
        written = set(step.inplace.values())
        if step.mode == 'kernel':
            ins = [contiguous(s) if j in written else
                   names[s] if s in known_c else f"asarray({names[s]}, order='C')"
                   for j, s in enumerate(step.ins)]
        else:
            ins = [names[s] for s in step.ins]
        targets, passed = [], []
        for j, (s, where) in enumerate(zip(step.outs, step.buffers)):
            if j in step.inplace:
                targets.append(ins[step.inplace[j]])
                continue
            if where is None:
                a = self._slot_avals[s]
                lines.append(f'{names[s]} = empty({a.shape!r}, {a.dtype.name})')
                targets.append(names[s])
            elif where[0] == 'buf':
                targets.append(f'b{where[1]}')
            else:
                targets.append(contiguous(where[1]))
            passed.append(targets[-1])
        if step.mode == 'out':
            lines.append(f's{k}({", ".join(ins)}, out={targets[0]})')
        else:
            lines.append(f'k{k}({", ".join(ins + passed)})')
        for s, t in zip(step.outs, targets):
            if t != names[s]:
                lines.append(f'{names[s]} = {t}')
            known_c.add(s)
        return lines

    def _namespace(self):
        ns = {'empty': numpy.empty, 'asarray': numpy.asarray, 'as_array': _as_array}
        for a in self._slot_avals.values():
            ns[a.dtype.name] = a.dtype
        for k, step in enumerate(self.steps):
            ns[f'k{k}' if step.mode == 'kernel' else f's{k}'] = \
                step.fn.fn if step.mode == 'kernel' else step.fn
        for v in self.graph.inputs:
            if v.kind == 'const':
                ns[f'v{v.id}'] = v.const
        for b, a in enumerate(self.buffer_avals):
            ns[f'b{b}'] = self.xp.empty(a.shape, a.dtype)
        return ns

    def _build(self):
        ns = self._namespace()
        code = compile(self.source, f'<plan {self.graph.name}>', 'exec')
        exec(code, ns)
        self._run = ns['run']

    # ---- execution ----
    def __call__(self, *arrays):
        if len(arrays) != len(self.input_slots):
            raise TypeError(f'plan {self.graph.name} takes {len(self.input_slots)} inputs, '
                            f'got {len(arrays)}')
        if self._run is None:
            self._build()
        return self._run(*arrays)

    @functools.cached_property
    def _slot_avals(self):
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

    def __str__(self):
        lines = [f'plan {self.graph.name}: {len(self.steps)} steps, '
                 f'{len(self.kernels)} fused kernel(s), peak {self.peak_bytes} bytes '
                 f'(plan-owned buffers {self.buffer_bytes} bytes), backend {self.backend}']
        for i, step in enumerate(self.steps):
            n = step.node
            outs = ', '.join(f'%{v.id}:{v.aval}' for v in n.outputs)
            ins = ', '.join(f'%{v.id}' for v in n.inputs)
            where = ''
            if step.buffers is not None:
                where = '  -> ' + ', '.join(self._describe_target(b) for b in step.buffers)
            frees = f'  free {len(step.frees)}' if step.frees else ''
            lines.append(f'  {i:3d}: {outs} = {step.label}({ins}){where}{frees}')
        for k in self.kernels:
            note = f'  [numpy fallback: {k.fallback_reason}]' if k.fallback_reason else ''
            lines.append('  kernel ' + k.op.describe().replace('\n', '\n  ') + note)
        return '\n'.join(lines)

    def _describe_target(self, where):
        if where is None:
            return 'fresh'
        if where[0] == 'buf':
            return f'buf{where[1]}'
        return f'in place into %{self.slot_names[where[1]][1:]}'


def _as_array(a):
    return numpy.asarray(a) if isinstance(a, numpy.generic) else a

"""Plans: a graph lowered to a flat list of steps, and the executor that runs them.

Each `Step` calls one function (a compiled fused kernel, or a registry op's ``impl``)
on values held in numbered slots, writes its results into slots, and clears the slots
whose last use it was.  The memory plan gives every kernel output that stays inside
the plan a buffer owned by the plan: buffers are reused by liveness (a buffer whose
value is dead serves the next kernel output of the same shape and dtype), and an
elementwise kernel may write into the buffer of a dense input it is the last reader
of.  Values that leave the plan (results, saved values, gradients) are always fresh
arrays.  `Plan.peak_bytes` is the largest total of live intermediate bytes, known
before the plan runs.
"""
import functools

import numpy

from chainfuse.compiler.codegen.cpu import CpuKernel, numba_available
from chainfuse.ops.registry import MOVEMENT, OTHER


class Step:
    __slots__ = ('fn', 'ins', 'outs', 'frees', 'label', 'node', 'buffers', 'single')

    def __init__(self, fn, ins, outs, label, node):
        self.fn = fn
        self.ins = ins
        self.outs = outs
        self.frees = ()
        self.label = label
        self.node = node
        self.buffers = None     # per output: buffer index or None (fresh)
        self.single = False


def _as_tuple_impl(op, xp, attrs):
    impl = functools.partial(op.impl, xp, **attrs) if attrs else functools.partial(op.impl, xp)
    if op.n_outputs == 1:
        return impl
    return lambda *a: tuple(impl(*a))


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

    # ---- lowering ----
    def _lower(self):
        g = self.graph
        slot = {}
        self.env_template = []
        for v in g.inputs:
            slot[v.id] = len(self.env_template)
            self.env_template.append(v.const if v.kind == 'const' else None)
        self.input_slots = [slot[v.id] for v in g.runtime_inputs]
        self.steps = []
        for n in g.nodes:
            for v in n.outputs:
                slot[v.id] = len(self.env_template)
                self.env_template.append(None)
            ins = [slot[v.id] for v in n.inputs]
            outs = [slot[v.id] for v in n.outputs]
            if getattr(n.op, 'is_fused', False):
                kernel = CpuKernel(n.op)
                if self.backend == 'numba':
                    kernel.compile()
                else:
                    kernel.fallback_reason = "backend='numpy'"
                self.kernels.append(kernel)
                step = Step(kernel, ins, outs, n.op.name, n)
            else:
                step = Step(_as_tuple_impl(n.op, self.xp, n.attrs), ins, outs, n.op.name, n)
                step.single = n.op.n_outputs == 1
            self.steps.append(step)
        self.output_slots = [slot[v.id] for v, _, _ in g.outputs]
        self.slot_of = slot

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
            step.frees = tuple(s for s in set(step.ins) if last.get(s) == i and
                               s not in escaping and s not in inputs)
        root_last, escaping_roots = {}, {root[s] for s in escaping}
        for s, i in last.items():
            r = root[s]
            root_last[r] = max(root_last.get(r, -1), i)
        aval_of = self._slot_avals
        self.buffer_avals = []
        free = {}                   # (shape, dtype) -> [buffer index]
        owner = {}                  # root slot -> buffer index
        releases = {}               # step index -> root slots whose buffer frees there
        for r, i in root_last.items():
            releases.setdefault(i, []).append(r)
        live_bytes, peak = 0, 0
        for i, step in enumerate(self.steps):
            if isinstance(step.fn, CpuKernel) and step.fn.fn is not None:
                step.buffers = []
                dying = [r for r in releases.get(i, ()) if r in step.ins and r in owner and
                         aval_of[r].shape == step.fn.op.shape and
                         not any(root[x] == r and x != r for x in step.ins)]
                for s in step.outs:
                    aval = aval_of[s]
                    if s in escaping_roots or s not in root_last:
                        step.buffers.append(None)
                        continue
                    key = (aval.shape, aval.dtype)
                    reuse = next((d for d in dying if (aval_of[d].shape,
                                                       aval_of[d].dtype) == key), None)
                    if reuse is not None:       # write in place over a dead dense input
                        dying.remove(reuse)
                        b = owner.pop(reuse)
                    elif free.get(key):
                        b = free[key].pop()
                    else:
                        b = len(self.buffer_avals)
                        self.buffer_avals.append(aval)
                    owner[s] = b
                    step.buffers.append(b)
            for s in step.outs:
                live_bytes += aval_of[s].nbytes
            peak = max(peak, live_bytes)
            for s in step.frees:
                live_bytes -= aval_of[s].nbytes
            for r in releases.get(i, ()):
                b = owner.pop(r, None)
                if b is not None:
                    a = self.buffer_avals[b]
                    free.setdefault((a.shape, a.dtype), []).append(b)
        self.peak_bytes = peak
        self.buffer_bytes = sum(a.nbytes for a in self.buffer_avals)
        self._buffers = None

    def _alloc_buffers(self):
        self._buffers = [self.xp.empty(a.shape, a.dtype) for a in self.buffer_avals]

    # ---- execution ----
    def __call__(self, *arrays):
        if len(arrays) != len(self.input_slots):
            raise TypeError(f'plan {self.graph.name} takes {len(self.input_slots)} inputs, '
                            f'got {len(arrays)}')
        if self._buffers is None:
            self._alloc_buffers()
        env = list(self.env_template)
        for s, a in zip(self.input_slots, arrays):
            env[s] = a
        bufs = self._buffers
        for step in self.steps:
            args = [env[s] for s in step.ins]
            if step.single:
                env[step.outs[0]] = step.fn(*args)
            else:
                if step.buffers is not None:
                    out = tuple(self.xp.empty(self._aval(s).shape, self._aval(s).dtype)
                                if b is None else bufs[b]
                                for s, b in zip(step.outs, step.buffers))
                    res = step.fn(*args, out=out)
                else:
                    res = step.fn(*args)
                for s, r in zip(step.outs, res):
                    env[s] = r
            for s in step.frees:
                env[s] = None
        return [_as_array(env[s]) for s in self.output_slots]

    def _aval(self, slot):
        return self._slot_avals[slot]

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
                where = '  -> ' + ', '.join('fresh' if b is None else f'buf{b}'
                                            for b in step.buffers)
            frees = f'  free {len(step.frees)}' if step.frees else ''
            lines.append(f'  {i:3d}: {outs} = {step.label}({ins}){where}{frees}')
        for k in self.kernels:
            note = f'  [numpy fallback: {k.fallback_reason}]' if k.fallback_reason else ''
            lines.append('  kernel ' + k.op.describe().replace('\n', '\n  ') + note)
        return '\n'.join(lines)


def _as_array(a):
    return numpy.asarray(a) if isinstance(a, numpy.generic) else a

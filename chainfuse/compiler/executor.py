"""Building a plan: its kernels, and the source of the function that runs it.

`build(plan)` runs after the memory plan.  For each fused step it asks the plan's
backend for a kernel, compiled for the memory plan's choices (which outputs overwrite
which inputs); a kernel the backend could not compile leaves its step a numpy call.
Then it generates ``plan.source``: one straight-line Python function (the module doc of
`chainfuse.compiler.plan` shows one) that calls each step's function with the slots it
reads and the targets the memory plan chose.  The generator reads only the plan; what
the source calls (``k0``, ``s1``, ``empty``, ``asarray``, the buffers ``b0``...) the
backend provides when the plan first runs (`Plan._namespace`), so one generator serves
every backend.
"""


def build(plan, segments=None):
    """Builds `plan`'s kernels, its native segments (`chainfuse.compiler.segments`;
    `segments`: True/False, None for ``CHAINFUSE_NATIVE_SEGMENTS``) and its executor
    source in place (module doc); returns it."""
    from chainfuse.compiler.segments import find_segments
    _build_kernels(plan)
    find_segments(plan, segments)
    plan.source = generate(plan)
    plan._run = None
    return plan


def _build_kernels(plan):
    backend = plan.target
    plan.kernels = []
    for step in plan.steps:
        if not getattr(step.op, 'is_fused', False):
            continue
        windows = tuple(sorted(step.windows))
        kernel = backend.build_kernel(step.op, step.inplace, plan.beside_blas,
                                      windows=windows) if windows else \
            backend.build_kernel(step.op, step.inplace, plan.beside_blas)
        plan.kernels.append(kernel)
        if step.mode != 'kernel':
            continue
        if kernel.fn is not None:
            step.fn = kernel
        else:
            step.fn, step.mode, step.buffers = backend.impl(step.op, {}), 'call', None
            if windows:     # the numpy impl takes the pieces: cut them out first
                step.fn = _cut_windows(step.fn, step.op, windows,
                                       [step.windows[j] for j in windows])


def _cut_windows(fn, op, windows, offsets):
    from chainfuse.compiler.codegen.cpu import window_slices

    def call(*arrays):
        return fn(*window_slices(op, arrays, windows, offsets))
    return call


def generate(plan):
    """The executor's source: ``def run(<runtime inputs>): ... return [<outputs>]``."""
    names = plan.slot_names
    # slots known to hold C-contiguous arrays: what kernels wrote, the 0-d arrays the
    # runtime makes of hyperparameters (`Trace.gather_inputs`), constants that are
    # C-contiguous arrays (not numpy scalars: a kernel takes a 0-d array)
    known_c = {plan.slot_of[v.id] for v in plan.graph.inputs
               if v.kind == 'hyper' and v.aval.ndim == 0 or
               v.kind == 'const' and _c_contiguous(v.const)}
    lines = ['def run(' + ', '.join(names[s] for s in plan.input_slots) + '):']
    starts = {seg.start: (g, seg) for g, seg in enumerate(getattr(plan, 'segments', ()))}
    skip_to = 0
    for k, step in enumerate(plan.steps):
        if k < skip_to:
            continue
        if k in starts:
            g, seg = starts[k]
            lines += ['    ' + text for text in _segment_source(plan, g, seg, known_c)]
            skip_to = seg.stop
            continue
        lines.append(f'    # {step.node.format()}')
        lines += ['    ' + text for text in _step_source(plan, k, step, known_c)]
        if step.frees:
            lines.append('    del ' + ', '.join(names[s] for s in step.frees))
    outs = []
    for s in plan.output_slots:
        outs.append(f'as_array({names[s]})' if not plan.slot_avals[s].shape else names[s])
    lines.append(f'    return [{", ".join(outs)}]')
    return '\n'.join(lines) + '\n'


def _c_contiguous(x):
    flags = getattr(x, 'flags', None)
    return bool(getattr(flags, 'c_contiguous', False)) and getattr(x, 'ndim', 0) > 0


def _segment_source(plan, g, seg, known_c):
    """One call of native segment `g` in place of its steps, and the dels of the slots
    it read for the last time."""
    names = plan.slot_names
    lines = [f'# {seg.describe(plan)}']
    lines += [f'#   {k}: {plan.steps[k].node.format()}' for k in range(seg.start, seg.stop)]
    args = [names[s] if s in known_c else f"asarray({names[s]}, order='C')"
            for s in seg.ins]
    args += [f'b{b}' for b in seg.buffers] + [f'd{g}', f'p{g}']
    call = f'g{g}({", ".join(args)})'
    call = f'{"".join(names[s] + ", " for s in seg.outs)}= {call}' if seg.outs else call
    if seg.checks:
        # a bad index: the check's Python impl raises the op's own error
        lines += ['try:', '    ' + call, 'except IndexCheckFailed as e:']
        for k, slot in seg.checks:
            lines += [f'    if e.args[0] == {k}:', f'        s{k}({names[slot]})']
        lines.append('    raise')
    else:
        lines.append(call)
    known_c.update(seg.outs)
    ins = set(seg.ins)
    frees = [s for k in range(seg.start, seg.stop) for s in plan.steps[k].frees if s in ins]
    if frees:
        lines.append('del ' + ', '.join(names[s] for s in dict.fromkeys(frees)))
    return lines


def _step_source(plan, k, step, known_c):
    names = plan.slot_names
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
            a = plan.slot_avals[s]
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
        offsets = [str(step.windows[j]) for j in sorted(step.windows)]
        lines.append(f'k{k}({", ".join(ins + passed + offsets)})')
    for s, t in zip(step.outs, targets):
        if t != names[s]:
            lines.append(f'{names[s]} = {t}')
        known_c.add(s)
    return lines

"""Native segments: runs of plan steps compiled into one Numba function each.

The generated executor (`chainfuse.compiler.executor`) makes one Python-level call per
step; on a small model that dispatch, not the arithmetic, is most of a step's time.
`find_segments(plan)` (run by ``build`` after the kernels are built) groups each
maximal run of consecutive steps that can run in nopython code into one *segment*: a
Numba-compiled function that takes the slots the run reads (C-contiguous), the plan
buffers it writes, an int64 array of the sizes it allocates and one of the addresses
of the compiled functions it calls, runs the steps, and returns the slots later steps
(or the plan's results) read.  The executor then calls it once in place of the run::

    # native segment g0: steps 4-12 (9 steps)
    v7, v72, v13 = g0(v3, v4, asarray(v6, order='C'), v8, v10, b3, b4, b5, d0, p0)

Steps a segment runs, each computed as the Python executor computes it:

- a fused kernel: its compiled machine code, called by address (`_CALL`);
- ``matmul`` of 2-D operands (float32/float64): BLAS ``gemm``, ``syrk`` or ``gemv`` of
  numpy's own library, with the arguments numpy passes for the impl's call
  (`chainfuse.compiler.codegen.native_blas`): matmul's gemv when m or n is 1, numpy.dot's
  gemm for an outer product (k = 1); through a native_ops entry point called by address
  as kernels are;
- a lone elementwise op of `NATIVE_ELEMENTWISE`: a one-op kernel (`FusedOp.of_node`);
- ``sum`` / ``sum_to`` (float) and ``max`` over leading or trailing axes (after
  dropping length-1 axes and merging neighbours): loops in numpy's order -- a trailing
  sum is numpy's pairwise sum per output element, a leading one adds row after row,
  both starting from 0 as numpy's reduction does;
- ``reshape``; ``take`` and ``take_grad`` (numpy.take, numpy.add.at of the slices);
- ``check_index`` of a plan input: a bad index raises `IndexCheckFailed`, and the
  executor then runs the step's Python impl, which raises the op's own error.

The helpers these call live in `chainfuse.compiler.codegen.native_ops`.  Everything else
(log/exp and other transcendental ops alone, concat, getitem, a matmul numpy would send
to dot or axpy, a tanh the fuse pass left to numpy's loop: `Backend.numpy_tanh`) stays a
Python call between segments.  A run of one step gains nothing and
stays as it was.  The segment's source depends on the steps, dtypes, ranks and kernels,
not on the sizes (they come in ``d``), so a retrace for a new batch size reuses the
compiled segment; sources are cached on disk like kernels
(`chainfuse.compiler.codegen.kernel_cache`).  A segment that fails to compile warns and
its steps run as Python calls.

Segments are opt-in: ``CHAINFUSE_NATIVE_SEGMENTS=1`` (or ``Plan(graph,
segments=True)``).  They cut a small model's step time by about a fifth (mlp100_sgd_b8:
0.18 -> 0.14 ms), but a cold compile with them costs about three times one without
(mlp50_adam: 10-13 s against 3.7-3.9 s on a loaded 2-core machine): the native_ops
entry points (about 2 s, once per machine: their cache entry serves every model), the
lone ops' one-op kernels, and the segments' own code -- unboxing and boxing some 70
arrays, allocations, reshapes -- 1-3 s per segment.  Kernels and entry points are called
by the address of their machine code (`_CALL`), so a segment's compile does not
optimize their code again, as Numba's linking did.  A warm compile (disk cache) costs
about what one without segments does.
Without it, the straight-line Python executor -- the reference -- runs every step.

One difference from the Python executor: a segment's operands are made C-contiguous
before the call.  An elementwise kernel does that too, but numpy's matmul given a
non-contiguous view (a transposed weight from a Python step, a sliced input) would pass
BLAS other transpose flags, which may round differently in the last bit.
"""
import hashlib
import os
import warnings

import numpy

from chainfuse.compiler.codegen import kernel_cache, native_blas
from chainfuse.compiler.kernel import FusedOp
from chainfuse.ops.registry import ELEMENTWISE

# lone elementwise ops run natively as one-op kernels: those whose kernel equals the
# numpy impl bit for bit (tests/compiler/test_segments.py checks each).  Not exp, log,
# pow and the other transcendental functions: numpy computes them with its own SIMD
# code, which differs from libm's in the last bit; tanh and sigmoid only in float32,
# where kernels compute numpy's algorithm (`chainfuse.compiler.codegen.cpu_math`)
NATIVE_ELEMENTWISE = frozenset({
    'add', 'sub', 'mul', 'div', 'neg', 'maximum', 'minimum', 'where', 'abs', 'sqrt',
    'rsqrt', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal',
    'tanh', 'sigmoid', 'floor', 'ceil', 'sign', 'logical_not',
})
FLOATS = ('float32', 'float64')
TANH = ('tanh', 'sigmoid')      # numpy's float32 tanh, which kernels reproduce


def _tanh_exact(aval):
    from chainfuse.compiler.codegen import cpu_math
    return aval.dtype.name == 'float32' and not cpu_math.fast_math() and \
        cpu_math.numpy_uses_table_tanh()


def enabled():
    """Whether plans get native segments: ``CHAINFUSE_NATIVE_SEGMENTS=1`` (default off,
    see the module doc)."""
    return os.environ.get('CHAINFUSE_NATIVE_SEGMENTS', '0') not in ('0', '', 'false', 'no')


class Segment:
    """Steps ``start..stop-1`` of a plan as one compiled function (module doc)."""

    def __init__(self, start, stop):
        self.start, self.stop = start, stop
        self.ins = []           # slots passed in, in order
        self.buffers = []       # plan buffers passed in
        self.outs = []          # slots returned
        self.dims = []          # the sizes passed in ``d``
        self.kernels = {}       # step index -> one-op kernel of a lone elementwise step
        self.checks = []        # (step index, input slot) of its native check_index steps
        self.helpers = set()    # the native_ops entry points it calls, with signatures
        self.callees = []       # ('kernel', kernel) / ('helper', name, ...) called by address
        self.pointers = None    # their addresses (int64), the segment's argument ``p``
        self.helper_fns = {}    # the native_ops dispatchers those addresses point into
        self.source = self.fn_name = self.key = None
        self.fn = None
        self.fallback_reason = None

    def __len__(self):
        return self.stop - self.start

    def describe(self, plan):
        labels = [plan.steps[k].label for k in range(self.start, self.stop)]
        shown = ', '.join(labels[:4]) + (', ...' if len(labels) > 4 else '')
        return (f'native segment steps {self.start}-{self.stop - 1} ({len(self)} steps: '
                f'{shown}) in {len(self.ins)} slot(s) + {len(self.buffers)} buffer(s), '
                f'out {len(self.outs)}')


# ---- which steps run natively ----

def native_kind(plan, step):
    """How `step` runs in a segment ('kernel', 'gemm', 'lone', 'sum', 'max', 'reshape'),
    or None when it stays a Python call."""
    op, node = step.op, step.node
    if step.mode == 'kernel':
        from chainfuse.compiler.codegen.cpu import CpuKernel
        return 'kernel' if isinstance(step.fn, CpuKernel) and step.fn.fn is not None else None
    avals = plan.slot_avals
    if step.mode == 'out':
        return 'gemm' if op.name == 'matmul' and _gemm_ok(plan, step) else None
    if getattr(op, 'is_fused', False):
        return None
    if op.kind == ELEMENTWISE and op.name in NATIVE_ELEMENTWISE and len(step.outs) == 1:
        if op.name in TANH and plan.target.numpy_tanh(avals[step.outs[0]]):
            return None     # left out of kernels to run as numpy's faster loop (fuse)
        return 'lone' if op.name not in TANH or _tanh_exact(avals[step.ins[0]]) else None
    if op.name == 'reshape':
        return 'reshape'
    if op.name in ('take', 'take_grad'):
        return op.name
    if op.name == 'check_index' and step.ins[0] in _input_slots(plan):
        return 'check'
    if op.name in ('sum', 'sum_to', 'max') and avals[step.ins[0]].dtype.name in FLOATS \
            and reduce_form(plan, step) is not None:
        return 'max' if op.name == 'max' else 'sum'
    return None


def _input_slots(plan):
    return {plan.slot_of[v.id] for v in plan.graph.inputs}


class IndexCheckFailed(Exception):
    """A segment's ``check_index`` found a bad index.  The executor then runs the step's
    Python impl on the same input, which raises the op's own error (value, position,
    valid range): only a plan input is checked natively, so it is still at hand."""


def _gemm_ok(plan, step):
    if native_blas.find() is None:
        return False
    a, b = (plan.slot_avals[s] for s in step.ins)
    out = plan.slot_avals[step.outs[0]]
    if a.ndim != 2 or b.ndim != 2 or a.dtype.name not in FLOATS:
        return False
    k = a.shape[0] if step.node.attrs.get('transa') else a.shape[1]
    m, n = out.shape
    # numpy's matmul sends m = 1 or n = 1 to gemv, the impl sends k = 1 to numpy.dot's
    # gemm (`native_ops._gemm` makes those calls); not an axpy (k = 1 with m or n of 1)
    # or a dot (m = n = 1); no BLAS call for an empty product
    if min(m, n, k) < 1:
        return False
    if k == 1:
        return m > 1 and n > 1
    return m > 1 or n > 1


def reduce_form(plan, step):
    """('trail', n) when the step reduces the trailing elements of its (C-contiguous)
    input in blocks of n, ('lead', None) when it reduces leading rows, else None."""
    from chainfuse.ops.array import sum_to_axes
    from chainfuse.ops.registry import normalize_axis
    shape = plan.slot_avals[step.ins[0]].shape
    attrs = step.node.attrs
    if step.op.name == 'sum_to':
        lead, axes = sum_to_axes(shape, tuple(attrs['shape']))
        axes = set(lead + axes)
    else:
        axes = set(normalize_axis(step.op.name, attrs.get('axis'), len(shape)))
    if step.op.name == 'max' and any(shape[a] == 0 for a in axes):
        return None
    flags = []          # reduce flag per merged run of axes of length > 1
    sizes = []
    for d, n in enumerate(shape):
        if n == 1:
            continue
        f = d in axes
        if flags and flags[-1] == f:
            sizes[-1] *= n
        else:
            flags.append(f)
            sizes.append(n)
    if flags == [False, True] or flags == [True]:
        return ('trail', sizes[-1])
    if not flags or flags == [False]:
        return ('trail', 1)
    if flags == [True, False]:
        return ('lead', None)
    return None


# ---- partition ----

def find_segments(plan, on=None):
    """Groups the plan's natively runnable steps into `Segment`s and compiles them
    (module doc); returns the list (also set as ``plan.segments``).  `on`: True/False,
    or None for ``CHAINFUSE_NATIVE_SEGMENTS``."""
    plan.segments, plan.segment_notes = [], []
    if not ((enabled() if on is None else on) and plan.target.native_segments):
        return plan.segments
    if native_blas.find() is None and any(step.mode == 'out' for step in plan.steps):
        plan.segment_notes.append(f'matmul steps stay Python calls: {native_blas.reason()}')
    kinds = [native_kind(plan, step) for step in plan.steps]
    runs, start = [], None
    for k, kind in enumerate(kinds + [None]):
        if kind is not None and start is None:
            start = k
        elif kind is None and start is not None:
            if k - start >= 2:
                runs.append((start, k))
            start = None
    for start, stop in runs:
        seg = Segment(start, stop)
        try:
            _generate(plan, seg, kinds)
        except _NotNative:
            continue
        _compile(plan, seg)
        if seg.fn is not None:
            plan.segments.append(seg)
    return plan.segments


class _NotNative(Exception):
    """A step of the run turned out not to compile (a lone op's kernel did not build)."""


def _live_after(plan, stop):
    later = set(plan.output_slots)
    for step in plan.steps[stop:]:
        later.update(step.ins)
    return later


def _generate(plan, seg, kinds):
    names = plan.slot_names
    avals = plan.slot_avals
    defined, ins, bufs, lines = set(), [], [], []

    def read(slot):
        if slot not in defined:
            defined.add(slot)
            ins.append(slot)
        return names[slot]

    def dim(n):
        seg.dims.append(n)
        return f'd[{len(seg.dims) - 1}]'

    def helper(name, kinds, dtype, xtype=None):
        # the signature a native_ops entry point is called with (`_helper_signature`)
        seg.helpers.add((name, kinds, dtype, xtype))
        return callee(('helper', name, kinds, dtype, xtype))

    def callee(entry):
        # index in ``p`` of the address of a compiled function the segment calls
        seg.callees.append(entry)
        return f'p[{len(seg.callees) - 1}]'

    def call(address, args):
        lines.append(f'    _call({address}, ({", ".join(args)},))')

    def flat(name):
        return f'{name}.reshape({name}.size)'

    def size_src(shape):
        return '(' + ''.join(f'{dim(n)}, ' for n in shape).rstrip(' ') + ')'

    def fresh(slot):
        a = avals[slot]
        return f'numpy.empty({size_src(a.shape)}, numpy.{a.dtype.name})'

    def target(step, j):
        where = step.buffers[j] if step.buffers is not None else None
        if where is None:
            return fresh(step.outs[j])
        if where[0] == 'buf':
            if where[1] not in bufs:
                bufs.append(where[1])
            return f'b{where[1]}'
        return read(where[1])


    for k in range(seg.start, seg.stop):
        step, kind = plan.steps[k], kinds[k]
        # the comment names slots and ops, not sizes: the source serves every batch size
        lines.append(f'    # {", ".join(names[s] for s in step.outs)} = '
                     f'{step.label}({", ".join(names[s] for s in step.ins)})')
        outs = [names[s] for s in step.outs]
        if kind == 'kernel':
            kernel = step.fn
            args = [read(s) for s in step.ins]
            passed, results = [], []
            for j in range(len(step.outs)):
                if j in step.inplace:
                    results.append(args[step.inplace[j]])
                    continue
                t = target(step, j)
                if t.startswith('numpy.empty'):
                    lines.append(f'    {outs[j]} = {t}')
                    t = outs[j]
                passed.append(t)
                results.append(t)
            passed += [dim(step.windows[j]) for j in sorted(step.windows)]
            call(callee(('kernel', kernel)), args + passed)
            lines += [f'    {o} = {r}' for o, r in zip(outs, results) if o != r]
        elif kind == 'lone':
            kernel = _lone_kernel(plan, seg, k, step)
            args = [read(s) for s in dict.fromkeys(step.ins)]
            lines.append(f'    {outs[0]} = {fresh(step.outs[0])}')
            call(callee(('kernel', kernel)), args + outs)
        elif kind == 'gemm':
            a, b = (read(s) for s in step.ins)
            t = target(step, 0)
            dt = avals[step.outs[0]].dtype.name
            ta, tb = (bool(step.node.attrs.get(x)) for x in ('transa', 'transb'))
            lines.append(f'    {outs[0]} = {t}')
            call(helper('_gemm', ('a2', 'a2', 'a2', 'i', 'i', 'f', 'f'), dt),
                 [a, b, outs[0], dim(int(ta)), dim(int(tb)), f'numpy.{dt}(1)', f'numpy.{dt}(0)'])
        elif kind == 'check':
            x = read(step.ins[0])
            attrs = step.node.attrs
            ignore = attrs.get('ignore')
            lines.append(f'    if not _index_ok({x}.reshape({x}.size), {dim(int(attrs["size"]))}, '
                         f'{dim(0 if ignore is None else int(ignore))}, '
                         f'{dim(int(ignore is not None))}):')
            seg.helpers.add(('_index_ok', ('a1', 'i', 'i', 'i'), avals[step.ins[0]].dtype.name,
                             None))     # returns a bool: linked in, not called by address
            lines.append(f'        raise IndexCheckFailed({k})')
            lines.append(f'    {outs[0]} = {x}')
            seg.checks.append((k, step.ins[0]))
        elif kind in ('take', 'take_grad'):
            x, idx = (read(s) for s in step.ins)
            out_aval = avals[step.outs[0]]
            full = out_aval.shape if kind == 'take_grad' else avals[step.ins[0]].shape
            axis = step.node.attrs.get('axis', 0) % len(full)
            outer, inner = 1, 1
            for n in full[:axis]:
                outer *= n
            for n in full[axis + 1:]:
                inner *= n
            sizes = [dim(outer), dim(full[axis]), dim(inner)]
            zero = [f'numpy.{out_aval.dtype.name}(0)'] if kind == 'take_grad' else []
            lines.append(f'    {outs[0]} = {fresh(step.outs[0])}')
            address = helper(f'_{kind}', ('a1', 'x1', 'a1', 'i', 'i', 'i') + ('f',) * len(zero),
                             out_aval.dtype.name, avals[step.ins[1]].dtype.name)
            call(address, [flat(x), flat(idx), flat(outs[0])] + sizes + zero)
        elif kind == 'reshape':
            x = read(step.ins[0])
            lines.append(f'    {outs[0]} = {x}.reshape({size_src(avals[step.outs[0]].shape)})')
        else:       # 'sum' / 'max'
            x = read(step.ins[0])
            form, n = reduce_form(plan, step)
            dt = avals[step.outs[0]].dtype.name
            lines.append(f'    {outs[0]} = {fresh(step.outs[0])}')
            extra = [dim(n)] if form == 'trail' else []
            zero = [f'numpy.{dt}(0)'] if kind == 'sum' else []
            address = helper(f'_{kind}_{form}', ('a1', 'a1') + ('i',) * len(extra) +
                             ('f',) * len(zero), dt)
            call(address, [flat(x), flat(outs[0])] + extra + zero)
        defined.update(step.outs)
    live = _live_after(plan, seg.stop)
    produced = [s for k in range(seg.start, seg.stop) for s in plan.steps[k].outs]
    seg.outs = [s for s in produced if s in live]
    seg.ins, seg.buffers = ins, bufs
    rets = ''.join(f'{names[s]}, ' for s in seg.outs)
    lines.append(f'    return ({rets.rstrip(" ")})')
    args = [names[s] for s in ins] + [f'b{b}' for b in bufs] + ['d', 'p']
    head = ['@numba.njit(cache=True, nogil=True, no_cfunc_wrapper=True, '
            'error_model=\'numpy\')',
            f'def _SEGMENT_({", ".join(args)}):']
    body = '\n'.join(head + lines) + '\n'
    digest = hashlib.sha1(body.encode()).hexdigest()[:16]
    seg.fn_name = f'segment_{digest}'
    linked = sorted({entry[0] for entry in seg.helpers} -
                    {entry[1] for entry in seg.callees if entry[0] == 'helper'})
    seg.source = _prelude(linked) + '\n\n' + body.replace('_SEGMENT_', seg.fn_name)
    seg.key = hashlib.sha256(seg.source.encode()).hexdigest()[:16]


def _lone_kernel(plan, seg, k, step):
    kernel = seg.kernels.get(k)
    if kernel is None:
        op = FusedOp.of_node(step.node)
        kernel = plan.target.build_kernel(op, {}, plan.beside_blas)
        if kernel.fn is None:
            raise _NotNative(kernel.fallback_reason)
        seg.kernels[k] = kernel
    return kernel


def _compile(plan, seg):
    import numba
    avals = plan.slot_avals

    def array(a):
        return numba.types.Array(numba.from_dtype(a.dtype), a.ndim, 'C')
    sig = tuple(array(avals[s]) for s in seg.ins) + \
        tuple(array(plan.buffer_avals[b]) for b in seg.buffers) + \
        (numba.types.Array(numba.int64, 1, 'C'),) * 2
    try:
        helpers = seg.helper_fns = _load_helpers(seg)  # kept alive with their code
        seg.pointers = numpy.asarray([_address(entry, helpers) for entry in seg.callees],
                                     dtype=numpy.int64)
        seg.fn = kernel_cache.load_kernel(f'chainfuse_segment_{seg.key}', seg.source,
                                          seg.fn_name, sig)
    except Exception as e:
        seg.fallback_reason = f'{type(e).__name__}: {e}'
        warnings.warn(f'chainfuse: native segment of plan {plan.graph.name} (steps '
                      f'{seg.start}-{seg.stop - 1}) failed to compile; its steps run as '
                      f'Python calls ({seg.fallback_reason})')
        return
    seg.dims = numpy.asarray(seg.dims, dtype=numpy.int64)


def _helper_source():
    """(module name, text) of the native_ops kernel-cache entry (its module doc)."""
    path = os.path.join(os.path.dirname(native_blas.__file__), 'native_ops.py')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    return f'chainfuse_native_ops_{hashlib.sha256(text.encode()).hexdigest()[:16]}', text


def _helper_signature(kinds, dtype, xtype):
    import numba
    codes = {'a1': numba.types.Array(numba.from_dtype(numpy.dtype(dtype)), 1, 'C'),
             'a2': numba.types.Array(numba.from_dtype(numpy.dtype(dtype)), 2, 'C'),
             'x1': xtype and numba.types.Array(numba.from_dtype(numpy.dtype(xtype)), 1, 'C'),
             'i': numba.int64, 'f': numba.from_dtype(numpy.dtype(dtype))}
    return tuple(codes[k] for k in kinds)


def _load_helpers(seg):
    """Compiles (or loads from the disk cache) the native_ops entry points `seg` calls,
    for the signatures it calls them with; returns {entry: dispatcher}."""
    mod_name, text = _helper_source()
    return {entry: kernel_cache.load_kernel(mod_name, text, entry[0],
                                            _helper_signature(*entry[1:]))
            for entry in sorted(seg.helpers, key=str)}


def _address(callee, helpers):
    """The address of the machine code of a function a segment calls by address (a
    kernel's, or a native_ops entry point's), for the signature it is called with."""
    if callee[0] == 'kernel':
        kernel = callee[1]
        fn, sig = kernel.fn, kernel._numba_signature()
    else:
        fn, sig = helpers[callee[1:]], _helper_signature(*callee[2:])
    cres = fn.overloads[tuple(sig)]
    address = cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)
    if not address:
        raise RuntimeError(f'no machine code found for {cres.fndesc.llvm_func_name}')
    return address


def _prelude(helpers):
    """The segment module's imports: numpy, numba, `_call` (`_CALL`) and the `helpers`
    it links in (the ones not called by address), from the native_ops entry (named by the
    hash of its text, so a changed helper gives the segment a new source and cache
    entry)."""
    mod_name, _ = _helper_source()
    names = f'from {mod_name} import {", ".join(helpers)}\n' if helpers else ''
    return ('import numpy\nimport numba\n' + _CALL + '\n' + names +
            'from chainfuse.compiler.segments import IndexCheckFailed\n')


# `_call(address, (args...))`: calls the Numba-compiled function whose machine code is at
# `address` (an int64 from the segment's ``p``), with exactly the argument types of the
# tuple (C-contiguous, writable arrays and scalars: what kernels and native_ops entry
# points are compiled for), returning None, and passes on the exception it raises.
# Numba would link the callee's code into the segment and optimize all of it again (1-3
# s per segment); called by address, the segment's code is only its own.  The source is
# part of the segment's, so a change here gives segments new cache entries.
_CALL = '''
from llvmlite import ir as _ir
from numba.core import cgutils as _cgutils, types as _types
from numba.core.callconv import excinfo_t as _excinfo_t
from numba.extending import intrinsic as _intrinsic


@_intrinsic
def _call(typingctx, address, args):
    if not isinstance(address, _types.Integer) or not isinstance(args, _types.BaseTuple):
        return None
    argtys = list(args.types)
    if any(isinstance(t, _types.Array) and (t.layout != 'C' or not t.mutable)
           for t in argtys):
        return None         # not the types the callee was compiled for

    def codegen(context, builder, sig, llargs):
        cc = context.call_conv
        fn = builder.inttoptr(llargs[0], cc.get_function_type(_types.none, argtys).as_pointer())
        retty = cc.get_return_type(_types.none).pointee
        ret = _cgutils.alloca_once(builder, retty)
        builder.store(_cgutils.get_null_value(retty), ret)
        exc = _cgutils.alloca_once(builder, _ir.PointerType(_excinfo_t), name='excinfo')
        vals = _cgutils.unpack_tuple(builder, llargs[1], len(argtys))
        code = builder.call(fn, [ret, exc] + list(
            cc._get_arg_packer(argtys).as_arguments(builder, vals)))
        status = cc._get_return_status(builder, code, builder.load(exc))
        with _cgutils.if_unlikely(builder, status.is_error):
            cc.return_status_propagate(builder, status)
        return context.get_dummy_value()
    return _types.none(address, args), codegen
'''

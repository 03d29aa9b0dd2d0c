"""CPU codegen: a fused group becomes a Numba-compiled loop over its index space.

For a group over shape (64, 512) with a bias input of shape (512,), the generated
source reads::

    @numba.njit(cache=True, nogil=True, no_cfunc_wrapper=True, error_model='numpy')
    def fused_add_maximum_1a2b3c4d(in0, in1, in2, out0):
        s0, s1, = out0.shape
        n0 = s0
        n1 = s1
        if in1.size != n1 or in2.size != 1:
            raise ValueError('chainfuse kernel: an argument has the wrong size')
        x0 = in0
        x1 = _c_view(in1, (1, n1))
        x2 = _c_view(in2, (1, 1))
        y0 = out0
        a2 = x2[0, 0]
        for i0 in range(n0):
            for i1 in range(n1):
                a0 = x0[i0, i1]
                a1 = x1[0, i1]
                t0 = numpy.float32((a0 + a1))
                t1 = numpy.float32(_maximum(t0, a2))
                y0[i0, i1] = t1

Arguments keep their own shapes (they must be C-contiguous); an input built with
``windows`` is passed as the array it is a last-axis slice of, with its offset after the
outputs, and read through `_c_window` (a split's pieces need no copy).  The kernel views
each at the group's rank (`_c_view`: a reshape whose strides are computed in the kernel,
where LLVM sees them, see the prelude; the sizes are checked first), and a broadcast
dimension
is indexed with 0.  Adjacent dimensions that every input treats alike are collapsed
first, so an all-dense group is a single flat loop.  The sizes come from the output's
shape at run time: the source (and its name, a hash of it) depends only on the rank,
on which dimensions broadcast, on the dtypes and the ops, so one compiled kernel
serves every shape of that kind -- every batch size of a model, every parameter of an
update rule that collapses to the same loop.  Each
temporary is cast to its dtype, so float32 stays float32.  Every input element is
loaded before any output element is stored, so an output may be the same array as a
dense input (the memory plan uses that to update in place).  ``parallel=True`` puts
``numba.prange`` on the outer loop; the plan only asks for it where no BLAS call runs
beside it (OpenBLAS threads spin between calls and a thread pool fights them).

Sources are cached by content hash under ``CHAINFUSE_CACHE_DIR`` (default
``~/.cache/chainfuse``); Numba's own ``cache=True`` keeps the machine code next to
them, so a second process does not recompile.  Each entry is checked against recorded
checksums before Numba loads it, and a corrupt one is deleted and rebuilt
(`chainfuse.compiler.codegen.kernel_cache`).  float32 ``tanh`` is numpy's own algorithm
(`chainfuse.compiler.codegen.cpu_math`), so kernels give eager's numbers.  When Numba
is missing or a kernel fails to compile, the group runs through `FusedOp.impl` (numpy,
one op at a time).
"""
import hashlib
import sys
import warnings

import numpy

from chainfuse.compiler.codegen import cpu_math, kernel_cache
from chainfuse.compiler.codegen.expr import NumbaPrinter, print_expr

PARALLEL_MIN_SIZE = 1 << 16
MAX_STORES = 8          # per loop (see CpuKernel._loops)
MAX_ARRAYS = 16
_NAME = '_KERNEL_'      # the function's name until the source is complete (_generate)

_PRELUDE = '''import math
import numpy
import numba

# `_c_view(arr, shape)`: C-contiguous `arr` seen at `shape` (same size, which the kernel
# checks first).  Numba's reshape computes the strides in a C helper, opaque to LLVM,
# which then cannot vectorize a loop that also reads a table (the float32 tanh): this
# view's strides are products of the sizes, computed in the kernel's own code (the
# innermost one is the item size, a constant).  `_c_window(arr, shape, width, offset)`:
# columns offset..offset+width-1 of its last axis, the same way (a split's piece read in
# place; the kernel checks size and bounds first).  `_maximum`/`_minimum`: numpy's
# maximum/minimum of two scalars.  Intrinsics (LLVM instructions emitted in place), not
# functions inlined by Numba: its inlining runs its untyped passes again at every call
# site, a tenth of a kernel's compile time
try:
    from numba.core import cgutils as _cgutils, types as _types
    from numba.core.imputils import impl_ret_borrowed as _borrowed
    from numba.extending import intrinsic as _intrinsic
    from numba.np.arrayobj import make_array as _make_array, populate_array as _populate

    def _c_strided(context, builder, sig, args, ret, width=None, offset=None):
        # args[0] seen at the shape args[1] (C order), strides computed here (the
        # innermost is the item size), optionally cut to `width` columns of its last
        # axis from `offset` on
        src = _make_array(sig.args[0])(context, builder, args[0])
        dst = _make_array(ret)(context, builder)
        dims = _cgutils.unpack_tuple(builder, args[1], ret.ndim)
        step = context.get_constant(_types.intp, context.get_abi_sizeof(
            context.get_data_type(ret.dtype)))
        itemsize, strides = step, []
        for d in reversed(dims):
            strides.insert(0, step)
            step = builder.mul(step, d)
        data = src.data if offset is None else builder.gep(src.data, [offset])
        shape = list(dims) if width is None else list(dims[:-1]) + [width]
        _populate(dst, data=data, shape=shape, strides=strides, itemsize=itemsize,
                  meminfo=src.meminfo, parent=src.parent)
        return _borrowed(context, builder, ret, dst._getvalue())

    @_intrinsic
    def _c_view(typingctx, arr, shape):
        ret = _types.Array(arr.dtype, len(shape), 'C')

        def codegen(context, builder, sig, args):
            return _c_strided(context, builder, sig, args, ret)
        return ret(arr, shape), codegen

    @_intrinsic
    def _c_window(typingctx, arr, shape, width, offset):
        # columns offset..offset+width-1 of the last axis: LLVM sees the strides, so it
        # vectorizes loops over the window as over a dense array
        ret = _types.Array(arr.dtype, len(shape), 'A')

        def codegen(context, builder, sig, args):
            return _c_strided(context, builder, sig, args, ret, args[2], args[3])
        return ret(arr, shape, _types.intp, _types.intp), codegen

    def _extremum(op):
        # numpy's maximum (op '>') / minimum ('<'): `a` if it is NaN or wins, else `b`
        # (so NaN if either is, and the second on ties), in the arguments' common type
        def typer(typingctx, a, b):
            t = typingctx.unify_pairs(a, b)
            if not isinstance(t, (_types.Float, _types.Integer, _types.Boolean)):
                return None

            def codegen(context, builder, sig, args):
                x, y = (context.cast(builder, v, s, t) for v, s in zip(args, sig.args))
                if isinstance(t, _types.Float):
                    pick = builder.or_(builder.fcmp_unordered('uno', x, x),
                                       builder.fcmp_ordered(op, x, y))
                elif isinstance(t, _types.Integer) and t.signed:
                    pick = builder.icmp_signed(op, x, y)
                else:
                    pick = builder.icmp_unsigned(op, x, y)
                return builder.select(pick, x, y)
            return t(a, b), codegen
        return typer

    _maximum = _intrinsic(_extremum('>'))
    _minimum = _intrinsic(_extremum('<'))
except ImportError:     # Numba's internals moved: reshape (Numba's stride helper)
    @numba.njit
    def _c_view(arr, shape):
        return arr.reshape(shape)

    @numba.njit
    def _c_window(arr, shape, width, offset):
        return arr.reshape(shape)[..., offset:offset + width]

    @numba.njit
    def _maximum(a, b):
        return a if a != a or a > b else b

    @numba.njit
    def _minimum(a, b):
        return a if a != a or a < b else b
'''


def numba_available():
    try:
        import numba  # noqa: F401
        return True
    except ImportError:
        return False


_numba_started = False


def _start_numba():
    """Initializes Numba's CPU target, skipping two imports our kernels never use.

    Numba's first compile or cache load builds its target context (about half a warm
    compile of an MLP step), which imports

    - ``numba.np.arraymath``, which probes for BLAS by importing
      ``scipy.linalg.cython_blas``: when SciPy is installed, 0.28 s of the 0.42 s the
      first kernel of a process cost.  The probe is made to fail during that import and
      its flag then set from whether SciPy is installed; Numba's own linear algebra
      imports SciPy when it is first used, as before;
    - ``numba.core.typing.cffi_utils``, which makes a ``cffi.FFI()`` at import: that
      imports pycparser and builds its C lexer, 0.1 s, for typing cffi functions.  The
      import of cffi is made to fail during that import; then, when cffi is installed,
      the module gets cffi back, and an `_LazyFFI` that makes the ``FFI()`` the first
      time Numba types a cffi object, so cffi functions in Numba code work as before.

    If Numba's layout is not the one expected, that step is left as Numba does it.
    """
    global _numba_started
    if _numba_started:
        return
    _numba_started = True
    import importlib.util
    from numba.core.registry import cpu_target
    blocked = {}        # module name -> what sys.modules held (None: nothing)
    if 'numba.np.arraymath' not in sys.modules and 'scipy.linalg.cython_blas' not in sys.modules:
        blocked['scipy.linalg.cython_blas'] = None      # loaded already: its probe is cheap
    if 'numba.core.typing.cffi_utils' not in sys.modules:
        blocked['cffi'] = sys.modules.get('cffi')
    found = {name: importlib.util.find_spec(name.split('.')[0]) is not None for name in blocked}
    for name in blocked:
        sys.modules[name] = None        # makes `import <name>` fail
    try:
        import numba.core.typing.cffi_utils as cffi_utils
        import numba.np.arraymath as arraymath
    finally:
        for name, module in blocked.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module
    if found.get('scipy.linalg.cython_blas') and hasattr(arraymath, '_HAVE_BLAS'):
        arraymath._HAVE_BLAS = True
    if found.get('cffi') and getattr(cffi_utils, 'ffi', 0) is None:
        import cffi
        cffi_utils.cffi, cffi_utils.ffi, cffi_utils.SUPPORTED = cffi, _LazyFFI(cffi), True
    cpu_target.target_context.refresh()


class _LazyFFI:
    """Stands for Numba's module-level ``cffi.FFI()`` (`_start_numba`): makes it at the
    first use, puts it in its place and answers from it."""

    def __init__(self, cffi):
        self._cffi = cffi

    def __getattr__(self, name):
        from numba.core.typing import cffi_utils
        if cffi_utils.ffi is self:
            cffi_utils.ffi = self._cffi.FFI()
        return getattr(cffi_utils.ffi, name)


def _collapse(shape, patterns):
    """Merges adjacent dims that every input indexes alike ('i' or '0').

    Returns (new_shape, new_patterns, groups): ``groups[d]`` lists the dims of `shape`
    that collapsed dim d stands for (none for the single dim of a 0-d shape).
    """
    if not shape:
        return (1,), [('0',) for _ in patterns], [()]
    dims = [[shape[0], [p[0] for p in patterns], [0]]]
    for d in range(1, len(shape)):
        cur = [p[d] for p in patterns]
        if cur == dims[-1][1]:
            dims[-1][0] *= shape[d]
            dims[-1][2].append(d)
        else:
            dims.append([shape[d], cur, [d]])
    new_shape = tuple(s for s, _, _ in dims)
    new_patterns = [tuple(dims[k][1][i] for k in range(len(dims))) for i in range(len(patterns))]
    return new_shape, new_patterns, [tuple(g) for _, _, g in dims]


def _pattern(aval, shape):
    nd = len(shape)
    padded = (1,) * (nd - aval.ndim) + aval.shape
    return tuple('0' if s == 1 and t != 1 else 'i' for s, t in zip(padded, shape))


class CpuKernel:
    """A FusedOp compiled for the CPU.

    ``kernel.fn(*inputs, *outputs)`` is the compiled function (inputs C-contiguous,
    outputs preallocated); ``kernel(*inputs, out=None)`` is the convenient form, which
    falls back to numpy when the kernel did not build.
    """

    def __init__(self, op, parallel=None, inplace=None, windows=()):
        self.op = op
        # inputs passed as windows: input i is given as the C-contiguous array it is a
        # slice of along the last axis, and its offset on that axis comes after the
        # outputs (``fn(*ins, *outs, *offsets)``); the kernel reads ``base[..., o + j]``,
        # so a split's pieces need no copy (`chainfuse.compiler.lowering`)
        self.windows = tuple(sorted(windows))
        # output k -> input i: the output is written over that (dense) input, which is
        # then not a separate argument; LLVM vectorizes a loop that writes where it
        # reads, but not one whose output argument might overlap an input
        self.inplace = dict(inplace or {})
        shape = op.shape
        patterns = [_pattern(a, shape) for a in op.in_avals]
        for i in self.windows:
            if not shape or patterns[i][-1] != 'i':
                raise ValueError(f'kernel {op.name}: input {i} cannot be a window (its '
                                 f'last axis is not the index space\'s last axis)')
            patterns[i] = patterns[i][:-1] + ('w',)     # never merged with an 'i' dim
        self.loop_shape, self.in_patterns, self.groups = _collapse(shape, patterns)
        size = 1
        for s in shape:
            size *= s
        self.parallel = size >= PARALLEL_MIN_SIZE if parallel is None else parallel
        self.source, self.fn_name = self._generate()
        self.key = hashlib.sha256(self.source.encode()).hexdigest()[:16]
        self.fn = None
        self.fallback_reason = None

    def _dims(self, pattern):
        """The names of a collapsed view's dims: ``n<d>`` where `pattern` iterates, else 1."""
        return tuple(f'n{d}' if p == 'i' else '1' for d, p in enumerate(pattern))

    def _generate(self):
        """(source, function name).  Neither depends on the sizes of the index space, only
        on its rank, on which dims broadcast and on the dtypes: one compiled kernel serves
        every shape of that kind (every batch size; every parameter of an update rule)."""
        op = self.op
        nd = len(self.loop_shape)
        ins = [f'in{i}' for i in range(len(op.in_avals))]
        outs = [f'out{k}' for k in range(op.n_outputs) if k not in self.inplace]
        outs += [f'o{i}' for i in self.windows]
        # error_model='numpy': x / 0 is inf or nan, as in numpy, with no check per element
        # (Python's ZeroDivisionError check also keeps LLVM from vectorizing the loop)
        # no_cfunc_wrapper: no C-callable wrapper (for cfunc-style calls, which plans
        # never make) lowered and optimized beside each kernel
        lines = [f'@numba.njit(cache=True, nogil=True, no_cfunc_wrapper=True, '
                 f'error_model=\'numpy\''
                 f'{", parallel=True" if self.parallel else ""})',
                 f'def {_NAME}({", ".join(ins + outs)}):']
        lines += self._sizes()
        used = sorted({i for _, refs, _, _ in op.body for k, i in refs if k == 'in'} |
                      set(self.inplace.values()))
        scalar = {i for i in used if set(self.in_patterns[i]) <= {'0'}}
        views, checks = [], []
        for i in used:
            self._view(views, checks, f'x{i}', f'in{i}', op.in_avals[i].ndim, i)
        for k in range(op.n_outputs):
            if k in self.inplace:
                views.append(f'    y{k} = x{self.inplace[k]}')
            else:
                self._view(views, checks, f'y{k}', f'out{k}', len(op.shape))
        if checks:      # one test and one raise for all: less code to compile
            lines += [f'    if {" or ".join(checks)}:',
                      "        raise ValueError('chainfuse kernel: an argument has the "
                      "wrong size')"]
        lines += views
        for i in sorted(scalar):            # loop invariants: loaded once
            lines.append(f'    a{i} = x{i}[{", ".join("0" * nd)}]')
        for group in self._loops(scalar):
            lines += self._loop(group, scalar)
        body = '\n'.join(lines) + '\n'
        prefix = op.name.rsplit('_', 1)[0]
        name = f'{prefix}_{hashlib.sha1(body.encode()).hexdigest()[:8]}'
        return _PRELUDE + cpu_math.helpers(body) + '\n\n' + body.replace(_NAME, name), name

    def _sizes(self):
        """``s0, s1, ... = <an array of the full index space>.shape`` and the collapsed
        loop sizes ``n<d>`` as products of them."""
        op = self.op
        ref = f'in{self.inplace[0]}' if 0 in self.inplace else 'out0'
        lines = []
        if op.shape:
            names = ', '.join(f's{d}' for d in range(len(op.shape)))
            lines.append(f'    {names}, = {ref}.shape')
        for d, group in enumerate(self.groups):
            lines.append(f'    n{d} = {" * ".join(f"s{j}" for j in group) or "1"}')
        return lines

    def _view(self, views, checks, var, name, ndim, i=None):
        """Adds to `views` the line setting `var` to array `name` (input `i`, or an
        output) at the collapsed rank: `name` itself when its dims are the loop's
        already, else its `_c_view` (see the prelude), and to `checks` the test that its
        size disagrees -- a wrong-sized argument is an error, never a read past its end."""
        pattern = self.in_patterns[i] if i is not None else ('i',) * len(self.loop_shape)
        if ndim == len(self.loop_shape) and 'i' * ndim == ''.join(pattern) and \
                all(len(g) == 1 for g in self.groups):
            views.append(f'    {var} = {name}')
            return
        dims = self._dims(pattern)
        if 'w' in pattern:      # a window: the array it is cut from, at its own width
            dims = dims[:-1] + (f'{name}.shape[{ndim - 1}]',)
            width = f'n{len(dims) - 1}'
            checks.append(f'{name}.size != {" * ".join(d for d in dims if d != "1")} or '
                          f'o{i} < 0 or o{i} + {width} > {dims[-1]}')
            views.append(f'    {var} = _c_window({name}, ({", ".join(dims)},), {width}, o{i})')
            return
        size = ' * '.join(d for d in dims if d != '1') or '1'
        checks.append(f'{name}.size != {size}')
        shape = ', '.join(dims) + (',' if len(dims) == 1 else '')
        views.append(f'    {var} = _c_view({name}, ({shape}))')

    def _needs(self):
        """Per body temporary: the temporaries and inputs it is computed from."""
        needs = {}
        for _, refs, _, j in self.op.body:
            dep = {('t', j)}
            for ref in refs:
                dep |= needs[ref[1]] if ref[0] == 't' else {ref}
            needs[j] = dep
        return needs

    def _loops(self, scalar):
        """Splits the outputs between loops over the index space.  LLVM gives up
        vectorizing a loop that stores to many arrays (its overlap checks grow with
        every pair); each loop stores at most MAX_STORES outputs and touches at most
        MAX_ARRAYS arrays, recomputing what it shares with another loop.  Outputs
        written over inputs come last, after every loop that reads those inputs."""
        needs = self._needs()
        order = [k for k in range(self.op.n_outputs) if k not in self.inplace] + \
            [k for k in range(self.op.n_outputs) if k in self.inplace]
        loops, cur, cur_ins = [], [], set()
        for k in order:
            k_ins = {i for kind, i in needs[self.op.out_refs[k][1]] if kind == 'in'} - scalar
            fits = len(cur) < MAX_STORES and len(cur_ins | k_ins) + len(cur) + 1 <= MAX_ARRAYS
            last_ones = k in self.inplace and cur and cur[-1] in self.inplace
            if cur and not fits and not last_ones:
                loops.append(cur)
                cur, cur_ins = [], set()
            cur.append(k)
            cur_ins |= k_ins
        return loops + [cur] if cur else loops

    def _loop(self, group, scalar):
        op = self.op
        nd = len(self.loop_shape)
        needs = self._needs()
        want = set()
        for k in group:
            want |= needs[op.out_refs[k][1]]
        lines, ind = [], '    '
        for d in range(nd):
            rng = 'numba.prange' if d == 0 and self.parallel else 'range'
            lines.append(f'{ind}for i{d} in {rng}(n{d}):')
            ind += '    '
        for i in sorted(i for kind, i in want if kind == 'in' and i not in scalar):
            idx = ', '.join(f'i{d}' if p in 'iw' else '0'
                            for d, p in enumerate(self.in_patterns[i]))
            lines.append(f'{ind}a{i} = x{i}[{idx}]')
        avals = {}
        for opi, refs, attrs, j in op.body:
            in_avals = [op.in_avals[i] if k == 'in' else avals[i] for k, i in refs]
            avals[j] = out_aval = opi.infer(*in_avals, **attrs)
            if ('t', j) not in want:
                continue
            args = [f'a{i}' if k == 'in' else f't{i}' for k, i in refs]
            expr = print_expr(NumbaPrinter, opi, args, in_avals, out_aval)
            lines.append(f'{ind}t{j} = numpy.{out_aval.dtype.name}({expr})')
        idx = ', '.join(f'i{d}' for d in range(nd))
        for k in group:
            lines.append(f'{ind}y{k}[{idx}] = t{op.out_refs[k][1]}')
        return lines

    # ---- compilation with an on-disk source cache ----
    def compile(self):
        if self.fn is not None or self.fallback_reason is not None:
            return self
        if not numba_available():
            self.fallback_reason = 'numba is not installed'
            return self
        try:
            _start_numba()
            # compiled now, not at the first call
            self.fn = kernel_cache.load_kernel(f'chainfuse_kernel_{self.fn_name}_{self.key}',
                                               self.source, self.fn_name,
                                               self._numba_signature())
        except Exception as e:  # a kernel that fails to build falls back to numpy
            self.fallback_reason = f'{type(e).__name__}: {e}'
            warnings.warn(f'chainfuse: kernel {self.op.name} failed to build with Numba; '
                          f'running it with numpy instead ({self.fallback_reason})')
        return self

    def _numba_signature(self):
        import numba
        outs = [a for k, a in enumerate(self.op.out_avals) if k not in self.inplace]
        return tuple(numba.types.Array(numba.from_dtype(a.dtype), len(a.shape), 'C')
                     for a in self.op.in_avals + tuple(outs)) + \
            (numba.types.int64,) * len(self.windows)

    def __call__(self, *arrays, out=None, offsets=()):
        """Runs the kernel on `arrays`; returns its outputs (`out`, or new arrays; an
        in-place output is its input array).  A window input is given as the array it
        is cut from, its offset in `offsets` (in the order of `windows`)."""
        op = self.op
        if self.fn is None:
            res = op.impl(numpy, *window_slices(self.op, arrays, self.windows, offsets))
            return res if isinstance(res, tuple) else (res,)
        arrays = [numpy.asarray(a, order='C') for a in arrays]
        if out is None:
            out = tuple(numpy.empty(a.shape, a.dtype) for a in op.out_avals)
        out = tuple(arrays[self.inplace[k]] if k in self.inplace else o
                    for k, o in enumerate(out))
        self.fn(*arrays, *[o for k, o in enumerate(out) if k not in self.inplace], *offsets)
        return out


def window_slices(op, arrays, windows, offsets):
    """`arrays` with each window input (indices `windows`, at `offsets`) cut out of the
    array it was passed as: the op's own inputs, for its numpy ``impl``."""
    arrays = list(arrays)
    for i, o in zip(windows, offsets):
        arrays[i] = arrays[i][..., o:o + op.in_avals[i].shape[-1]]
    return arrays



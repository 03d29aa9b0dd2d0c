"""The op registry: every primitive is defined once, here, and every mode reads it.

An `Op` bundles, under one name:

- ``impl(xp, *arrays, **attrs)``: the computation, written once for numpy and cupy
  (``xp`` is the array module).  Returns an array, or a tuple for multi-output ops.
- ``infer(*avals, **attrs)``: output `Aval` (or tuple of them) from input avals;
  raises `OpTypeError` naming the op, what it expected and what it got.
- ``vjp(ctx, *gys)``: the backward rule.  ``ctx.inputs`` / ``ctx.out_vars`` are
  Variables (inputs and outputs), ``ctx.in_avals`` the inputs' avals, ``ctx.attrs`` the attrs, and
  ``ctx.needs_grad(i)`` says whether input ``i`` wants a gradient.  It returns one
  gradient Variable (or None) per input, computed with ops on Variables, so the same
  rule serves eager backward, double backprop and the compiler's autodiff pass.
- ``attrs``: the op's non-array parameters and their defaults (`REQUIRED` where a
  caller must give one); every node carries all of them.
- ``expr``: a scalar expression template over ``{0}``, ``{1}``, ... from which codegen
  prints the CUDA and CPU kernel bodies (every elementwise op has one; so does
  ``broadcast_to``, whose element inside a fused group is its input's, ``'{0}'``).  Its
  vocabulary, and how each call in it is spelled per target, is in
  `chainfuse.ops.elementwise`.

Facts the compiler reads about an op (instead of lists of op names of its own):

- ``writes_out``: ``impl`` takes ``out=`` and writes its result into that array (the
  memory plan gives such an op a buffer to write into: ``matmul``).
- ``may_alias``: the result may share memory with the first input (a view, or the input
  itself); the memory plan never reuses the memory of a value still read through an
  alias.  Default: movement and 'other' ops may; ``astype`` may too (numpy returns the
  input when the dtype is the same).
- ``kernel_when_alone``: a lone elementwise node of this op is still compiled as a kernel.
  A lone elementwise op otherwise stays a numpy call (numpy's loops are SIMD, including
  exp and log); ``where`` is one numpy runs with a branch per element.

Ops are called like functions (``exp(x)``); the call is bound to the eager engine by
`chainfuse.core` (`set_binder`), which is how a rule written here runs on Variables
without this layer importing the layers above it.
"""
import collections

import numpy

ELEMENTWISE = 'elementwise'
REDUCTION = 'reduction'
MOVEMENT = 'movement'
LINALG = 'linalg'
CONV = 'conv'
RANDOM = 'random'
OTHER = 'other'
KINDS = (ELEMENTWISE, REDUCTION, MOVEMENT, LINALG, CONV, RANDOM, OTHER)

OPS = collections.OrderedDict()


class Aval(collections.namedtuple('Aval', ['shape', 'dtype'])):
    """The abstract value of an array: shape (tuple of ints) and numpy dtype."""

    __slots__ = ()

    def __new__(cls, shape, dtype):
        return super().__new__(cls, tuple(int(s) for s in shape), numpy.dtype(dtype))

    @classmethod
    def of(cls, array):
        return cls(array.shape, array.dtype)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def nbytes(self):
        return self.size * self.dtype.itemsize

    def __str__(self):
        return f'{short_dtype(self.dtype)}[{",".join(map(str, self.shape))}]'


_SHORT = {'float16': 'f16', 'float32': 'f32', 'float64': 'f64', 'int8': 'i8', 'int16': 'i16',
          'int32': 'i32', 'int64': 'i64', 'uint8': 'u8', 'uint32': 'u32', 'uint64': 'u64',
          'bool': 'bool'}


def short_dtype(dtype):
    name = numpy.dtype(dtype).name
    return _SHORT.get(name, name)


class OpTypeError(TypeError):
    """Bad input to an op: names the op, what was expected and what was found."""

    def __init__(self, op, message):
        self.op = op
        super().__init__(f'{op}: {message}')


def _no_vjp(ctx, *gys):
    return (None,) * len(ctx.in_avals)


REQUIRED = type('REQUIRED', (), {'__repr__': lambda self: 'REQUIRED'})()


class Op:
    """One primitive.  See the module docstring for the meaning of each field."""

    def __init__(self, name, *, impl, infer, vjp=None, kind=OTHER, expr=None, n_outputs=1,
                 differentiable=True, retain_inputs=None, retain_outputs=(), attrs=None,
                 writes_out=False, may_alias=None, kernel_when_alone=False, doc=''):
        if kind not in KINDS:
            raise ValueError(f'op {name}: unknown kind {kind!r}')
        if kind == ELEMENTWISE and expr is None:
            raise ValueError(f'elementwise op {name} needs a scalar expr for codegen')
        if differentiable and vjp is None:
            raise ValueError(f'op {name} is differentiable but has no vjp rule')
        self.name = name
        self.impl = impl
        self.infer = infer
        self.vjp = vjp if vjp is not None else _no_vjp
        self.kind = kind
        self.expr = expr
        self.writes_out = writes_out
        self.may_alias = kind in (MOVEMENT, OTHER) if may_alias is None else may_alias
        self.kernel_when_alone = kernel_when_alone
        self.n_outputs = n_outputs
        self.differentiable = differentiable
        self.retain_inputs = retain_inputs  # None: all
        self.retain_outputs = tuple(retain_outputs)
        self.attrs = dict(attrs or {})  # name -> default (REQUIRED: must be given)
        self.checked = set()            # (input shapes/dtypes, attrs) `infer` accepted
        self.__doc__ = doc

    def bind_attrs(self, attrs):
        """Fills defaults and checks names: every node of this op carries all its attrs."""
        if attrs.keys() == self.attrs.keys():
            return attrs
        unknown = set(attrs) - set(self.attrs)
        if unknown:
            raise OpTypeError(self.name, f'unexpected attribute(s) {sorted(unknown)}; '
                                         f'known: {sorted(self.attrs)}')
        full = {**self.attrs, **attrs}
        missing = [k for k, v in full.items() if v is REQUIRED]
        if missing:
            raise OpTypeError(self.name, f'missing required attribute(s) {missing}')
        return full

    def __call__(self, *args, **attrs):
        return _binder(self, args, attrs)

    def __repr__(self):
        return f'<Op {self.name} ({self.kind})>'


def _unbound(op, args, attrs):
    raise RuntimeError('chainfuse.core is not imported; ops cannot be applied yet')


_binder = _unbound


def set_binder(fn):
    """Called by chainfuse.core: ``fn(op, args, attrs)`` applies an op to Variables/arrays."""
    global _binder
    _binder = fn


def defop(name, **kwargs):
    """Defines and registers an op; returns the `Op`, which is callable on Variables."""
    if name in OPS:
        raise ValueError(f'op {name!r} is already registered')
    op = Op(name, **kwargs)
    OPS[name] = op
    return op


def get_op(name):
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f'no op named {name!r} in the registry') from None


# ---- shape/dtype rule helpers shared by the op files ----

def broadcast_shapes(op, *shapes):
    try:
        return tuple(numpy.broadcast_shapes(*shapes))
    except ValueError:
        shown = ', '.join(str(tuple(s)) for s in shapes)
        raise OpTypeError(op, f'shapes {shown} cannot be broadcast together') from None


def same_dtype(op, *avals):
    dtypes = [a.dtype for a in avals]
    if any(d != dtypes[0] for d in dtypes):
        shown = ', '.join(d.name for d in dtypes)
        raise OpTypeError(op, f'inputs must share one dtype, got {shown}; '
                              'cast with F.cast or .astype first')
    return dtypes[0]


def expect_float(op, aval, what='input'):
    if aval.dtype.kind != 'f':
        raise OpTypeError(op, f'{what} must be a floating-point array (float16/32/64), '
                              f'got {aval.dtype.name}')


def expect_ndim(op, aval, ndim, what='input'):
    ok = aval.ndim in ndim if isinstance(ndim, tuple) else aval.ndim == ndim
    if not ok:
        raise OpTypeError(op, f'{what} must have ndim {ndim}, got shape {aval.shape}')


def normalize_axis(op, axis, ndim):
    """Returns a sorted tuple of non-negative axes (None -> all axes)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, numpy.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise OpTypeError(op, f'axis {a} is out of bounds for an array of ndim {ndim}')
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise OpTypeError(op, f'repeated axis in {axis}')
    return tuple(sorted(out))

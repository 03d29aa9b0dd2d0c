"""Elementwise primitives: math on arrays with NumPy broadcasting.

Each op's ``expr`` is a scalar expression over ``{0}``, ``{1}``, ``{2}`` (the inputs)
that codegen parses and prints as CUDA or Numba source.  Its vocabulary:

- operators ``+ - * /``, unary ``-``, comparisons ``< <= > >= == !=``;
- calls ``exp log log2 log10 log1p expm1 sqrt tanh sin cos tan abs floor ceil erf erfc``,
  ``lgamma asin acos atan atanh``, ``atan2(a, b)``,
  ``pow(a, b)``, ``max(a, b)``, ``min(a, b)``, ``where(c, a, b)``, ``sign(a)``,
  ``cast(a)`` (to the op's output dtype), ``not_(a)``;
- number literals, which the printers type as the op's dtype (so a float32 kernel
  never computes in double by accident).

How each call is spelled in each target's source is the table `CALLS` below (read by
`chainfuse.compiler.codegen.expr`): the calls are shared by many ops' exprs, so they are
listed once here, beside the vocabulary, rather than on any one op.

Binary ops require both inputs to share one dtype; Python scalars are lifted to
the other input's dtype before the op sees them, so ``x * 2`` stays float32.
"""
import math

import numpy

from chainfuse.ops.registry import (
    REQUIRED, Aval, ELEMENTWISE, OTHER, OpTypeError, broadcast_shapes, defop, expect_float,
    same_dtype)


# ---- the expr vocabulary's calls, per codegen target ----
# ``{0}``, ``{1}``, ``{2}``: the printed arguments; ``{zero}``/``{one}``: literals typed as
# the op's dtype; ``{type}``/``{out}``: the op's dtype / its output dtype in the target.

def _math(name):
    return {'numba': f'math.{name}({{0}})', 'cuda': f'{name}({{0}})'}


CALLS = {
    **{name: _math(name) for name in ('exp', 'log', 'log2', 'log10', 'log1p', 'expm1',
                                      'sqrt', 'tanh', 'sin', 'cos', 'tan', 'erf', 'erfc',
                                      'lgamma', 'asin', 'acos', 'atan', 'atanh')},
    'atan2': {'numba': 'math.atan2({0}, {1})', 'cuda': 'atan2({0}, {1})'},
    # numba's math.floor/ceil return an int64 (NaN and infinities become -2**63)
    'floor': {'numba': 'numpy.floor({0})', 'cuda': 'floor({0})'},
    'ceil': {'numba': 'numpy.ceil({0})', 'cuda': 'ceil({0})'},
    'abs': {'numba': 'abs({0})', 'cuda': 'fabs({0})'},
    'pow': {'numba': '({0} ** {1})', 'cuda': 'pow({0}, {1})'},
    # numpy's maximum/minimum: NaN if either is NaN, else the larger/smaller, the second
    # on ties (numba: intrinsics in codegen.cpu's prelude; CUDA's max/min are fmaxf/fminf,
    # which drop a NaN)
    'max': {'numba': '_maximum({0}, {1})',
            'cuda': '(({0} != {0} || {0} > {1}) ? {0} : {1})'},
    'min': {'numba': '_minimum({0}, {1})',
            'cuda': '(({0} != {0} || {0} < {1}) ? {0} : {1})'},
    'where': {'numba': '({1} if {0} else {2})', 'cuda': '({0} ? {1} : {2})'},
    # sign(NaN) is NaN, as in numpy
    'sign': {'numba': '({0} if {0} != {0} else ({one} if {0} > {zero} else '
                      '(-{one} if {0} < {zero} else {zero})))',
             'cuda': '(({0} != {0}) ? {0} : (({type})(({0} > 0) - ({0} < 0))))'},
    'cast': {'numba': '{out}({0})', 'cuda': '(({out})({0}))'},
    'not_': {'numba': '(not {0})', 'cuda': '(!{0})'},
}


# ---- shape/dtype rules ----

def _float_unary(name):
    def infer(x):
        expect_float(name, x)
        return x
    return infer


def _binary(name, out_dtype=None, floats=True):
    def infer(a, b):
        dtype = same_dtype(name, a, b)
        if floats:
            expect_float(name, a)
        shape = broadcast_shapes(name, a.shape, b.shape)
        return Aval(shape, dtype if out_dtype is None else out_dtype)
    return infer


def _unbroadcast(g, aval):
    """Sums a gradient back to the shape of an input that was broadcast."""
    if g.shape == aval.shape:
        return g
    from chainfuse.ops.array import sum_to
    return sum_to(g, shape=aval.shape)


def _grads(ctx, *gs):
    """Unbroadcasts each gradient to its input's shape, None where no grad is needed."""
    return tuple(None if g is None or not ctx.needs_grad(i) else _unbroadcast(g, ctx.in_avals[i])
                 for i, g in enumerate(gs))


def _unary(name, impl, expr, vjp, retain_outputs=(), doc=''):
    return defop(name, kind=ELEMENTWISE, impl=impl, infer=_float_unary(name), expr=expr,
                 vjp=vjp, retain_outputs=retain_outputs, doc=doc)


# ---- arithmetic ----

neg = _unary('neg', lambda xp, x: xp.negative(x), '-{0}',
             lambda ctx, gy: (-gy,))

add = defop('add', kind=ELEMENTWISE, impl=lambda xp, a, b: a + b,
            infer=_binary('add', floats=False), expr='{0} + {1}',
            vjp=lambda ctx, gy: _grads(ctx, gy, gy))

sub = defop('sub', kind=ELEMENTWISE, impl=lambda xp, a, b: a - b,
            infer=_binary('sub', floats=False), expr='{0} - {1}',
            vjp=lambda ctx, gy: _grads(ctx, gy, -gy if ctx.needs_grad(1) else None))


def _mul_vjp(ctx, gy):
    a, b = ctx.inputs
    return _grads(ctx, gy * b if ctx.needs_grad(0) else None,
                  gy * a if ctx.needs_grad(1) else None)


mul = defop('mul', kind=ELEMENTWISE, impl=lambda xp, a, b: a * b,
            infer=_binary('mul', floats=False), expr='{0} * {1}', vjp=_mul_vjp)


def _div_vjp(ctx, gy):
    a, b = ctx.inputs
    ga = gy / b
    gb = -ga * a / b if ctx.needs_grad(1) else None
    return _grads(ctx, ga if ctx.needs_grad(0) else None, gb)


div = defop('div', kind=ELEMENTWISE, impl=lambda xp, a, b: a / b,
            infer=_binary('div'), expr='{0} / {1}', vjp=_div_vjp)


def _pow_vjp(ctx, gy):
    a, b = ctx.inputs
    ga = gb = None
    if ctx.needs_grad(0):
        ga = gy * b * pow(a, b - 1)
    if ctx.needs_grad(1):
        gb = gy * ctx.out_vars[0] * log(a)
    return _grads(ctx, ga, gb)


pow = defop('pow', kind=ELEMENTWISE, impl=lambda xp, a, b: xp.power(a, b),
            infer=_binary('pow'), expr='pow({0}, {1})', vjp=_pow_vjp,
            retain_outputs=(0,))

# ---- exponentials and logarithms ----

exp = _unary('exp', lambda xp, x: xp.exp(x), 'exp({0})',
             lambda ctx, gy: (gy * ctx.out_vars[0],), retain_outputs=(0,))
log = _unary('log', lambda xp, x: xp.log(x), 'log({0})',
             lambda ctx, gy: (gy / ctx.inputs[0],))
log2 = _unary('log2', lambda xp, x: xp.log2(x), 'log2({0})',
              lambda ctx, gy: (gy / (ctx.inputs[0] * math.log(2.0)),))
log10 = _unary('log10', lambda xp, x: xp.log10(x), 'log10({0})',
               lambda ctx, gy: (gy / (ctx.inputs[0] * math.log(10.0)),))
log1p = _unary('log1p', lambda xp, x: xp.log1p(x), 'log1p({0})',
               lambda ctx, gy: (gy / (ctx.inputs[0] + 1.0),))
expm1 = _unary('expm1', lambda xp, x: xp.expm1(x), 'expm1({0})',
               lambda ctx, gy: (gy * (ctx.out_vars[0] + 1.0),), retain_outputs=(0,))
sqrt = _unary('sqrt', lambda xp, x: xp.sqrt(x), 'sqrt({0})',
              lambda ctx, gy: (gy / (ctx.out_vars[0] * 2.0),), retain_outputs=(0,))


def _rsqrt_impl(xp, x):
    y = xp.sqrt(x)
    return xp.reciprocal(y, out=y)


rsqrt = _unary('rsqrt', _rsqrt_impl, '1 / sqrt({0})',
               lambda ctx, gy: (gy * ctx.out_vars[0] ** 3 * -0.5,), retain_outputs=(0,))

# ---- trigonometric and hyperbolic ----

sin = _unary('sin', lambda xp, x: xp.sin(x), 'sin({0})',
             lambda ctx, gy: (gy * cos(ctx.inputs[0]),))
cos = _unary('cos', lambda xp, x: xp.cos(x), 'cos({0})',
             lambda ctx, gy: (gy * -sin(ctx.inputs[0]),))
tan = _unary('tan', lambda xp, x: xp.tan(x), 'tan({0})',
             lambda ctx, gy: (gy * (1.0 + ctx.out_vars[0] * ctx.out_vars[0]),),
             retain_outputs=(0,))
tanh = _unary('tanh', lambda xp, x: xp.tanh(x), 'tanh({0})',
              lambda ctx, gy: (gy * (1.0 - ctx.out_vars[0] * ctx.out_vars[0]),),
              retain_outputs=(0,))


def _sigmoid_impl(xp, x):
    # tanh form: stable for large |x| and one transcendental per element
    y = xp.tanh(x * x.dtype.type(0.5))
    y *= x.dtype.type(0.5)
    y += x.dtype.type(0.5)
    return y


sigmoid = _unary('sigmoid', _sigmoid_impl, 'tanh({0} * 0.5) * 0.5 + 0.5',
                 lambda ctx, gy: (gy * ctx.out_vars[0] * (1.0 - ctx.out_vars[0]),),
                 retain_outputs=(0,))

arcsin = _unary('arcsin', lambda xp, x: xp.arcsin(x), 'asin({0})',
                lambda ctx, gy: (gy * rsqrt(1.0 - ctx.inputs[0] * ctx.inputs[0]),))
arccos = _unary('arccos', lambda xp, x: xp.arccos(x), 'acos({0})',
                lambda ctx, gy: (-(gy * rsqrt(1.0 - ctx.inputs[0] * ctx.inputs[0])),))
arctan = _unary('arctan', lambda xp, x: xp.arctan(x), 'atan({0})',
                lambda ctx, gy: (gy / (1.0 + ctx.inputs[0] * ctx.inputs[0]),))
arctanh = _unary('arctanh', lambda xp, x: xp.arctanh(x), 'atanh({0})',
                 lambda ctx, gy: (gy / (1.0 - ctx.inputs[0] * ctx.inputs[0]),))


def _arctan2_vjp(ctx, gy):
    y, x = ctx.inputs
    scale = gy / (x * x + y * y)
    return _grads(ctx, scale * x if ctx.needs_grad(0) else None,
                  -(scale * y) if ctx.needs_grad(1) else None)


arctan2 = defop('arctan2', kind=ELEMENTWISE, impl=lambda xp, y, x: xp.arctan2(y, x),
                infer=_binary('arctan2'), expr='atan2({0}, {1})', vjp=_arctan2_vjp,
                doc='arctan2(y, x): the angle of the point (x, y), in (-pi, pi]')


def _fmod_vjp(ctx, gy):
    x, d = ctx.inputs
    # x = d * trunc(x / d) + fmod(x, d): the quotient is (x - out) / d, constant a.e.
    gd = -(gy * ((x - ctx.out_vars[0]) / d)) if ctx.needs_grad(1) else None
    return _grads(ctx, gy if ctx.needs_grad(0) else None, gd)


fmod = defop('fmod', kind=OTHER, impl=lambda xp, x, d: xp.fmod(x, d), infer=_binary('fmod'),
             vjp=_fmod_vjp, retain_outputs=(0,),
             doc='fmod(x, d): the remainder of x / d truncated toward 0 (sign of x)')

# ---- absolute value, sign, rounding ----


def _sign_infer(x):
    return x


sign = defop('sign', kind=ELEMENTWISE, impl=lambda xp, x: xp.sign(x), infer=_sign_infer,
             expr='sign({0})', differentiable=False)

absolute = _unary('abs', lambda xp, x: xp.abs(x), 'abs({0})',
                  lambda ctx, gy: (gy * sign(ctx.inputs[0]),))

floor = defop('floor', kind=ELEMENTWISE, impl=lambda xp, x: xp.floor(x),
              infer=_float_unary('floor'), expr='floor({0})', differentiable=False)
ceil = defop('ceil', kind=ELEMENTWISE, impl=lambda xp, x: xp.ceil(x),
             infer=_float_unary('ceil'), expr='ceil({0})', differentiable=False)

# ---- maximum, minimum, where ----


def _minmax_vjp(ctx, gy, first_wins):
    a, b = ctx.inputs
    mask = first_wins(a, b)  # ties go to the first argument, as in Chainer
    ga = where(mask, gy, 0.0) if ctx.needs_grad(0) else None
    gb = where(mask, 0.0, gy) if ctx.needs_grad(1) else None
    return _grads(ctx, ga, gb)


maximum = defop('maximum', kind=ELEMENTWISE, impl=lambda xp, a, b: xp.maximum(a, b),
                infer=_binary('maximum'), expr='max({0}, {1})',
                vjp=lambda ctx, gy: _minmax_vjp(ctx, gy, greater_equal))
minimum = defop('minimum', kind=ELEMENTWISE, impl=lambda xp, a, b: xp.minimum(a, b),
                infer=_binary('minimum'), expr='min({0}, {1})',
                vjp=lambda ctx, gy: _minmax_vjp(ctx, gy, less_equal))


def _where_infer(c, a, b):
    if c.dtype != numpy.bool_:
        raise OpTypeError('where', f'condition must be a bool array, got {c.dtype.name}')
    dtype = same_dtype('where', a, b)
    return Aval(broadcast_shapes('where', c.shape, a.shape, b.shape), dtype)


def _where_vjp(ctx, gy):
    c = ctx.inputs[0]
    ga = where(c, gy, 0.0) if ctx.needs_grad(1) else None
    gb = where(c, 0.0, gy) if ctx.needs_grad(2) else None
    return _grads(ctx, None, ga, gb)


where = defop('where', kind=ELEMENTWISE, impl=lambda xp, c, a, b: xp.where(c, a, b),
              infer=_where_infer, expr='where({0}, {1}, {2})', vjp=_where_vjp,
              kernel_when_alone=True)     # numpy's where branches per element

# ---- comparisons (no gradient) ----


def _compare(name, ufunc, symbol):
    return defop(name, kind=ELEMENTWISE, impl=lambda xp, a, b: getattr(xp, ufunc)(a, b),
                 infer=_binary(name, out_dtype=numpy.bool_, floats=False),
                 expr='{0} %s {1}' % symbol, differentiable=False)


greater = _compare('greater', 'greater', '>')
greater_equal = _compare('greater_equal', 'greater_equal', '>=')
less = _compare('less', 'less', '<')
less_equal = _compare('less_equal', 'less_equal', '<=')
equal = _compare('equal', 'equal', '==')
not_equal = _compare('not_equal', 'not_equal', '!=')

logical_not = defop('logical_not', kind=ELEMENTWISE, impl=lambda xp, x: xp.logical_not(x),
                    infer=lambda x: Aval(x.shape, numpy.bool_), expr='not_({0})',
                    differentiable=False)

# ---- casts ----


def _astype_infer(x, dtype):
    return Aval(x.shape, dtype)


def _astype_vjp(ctx, gy):
    src = ctx.in_avals[0].dtype
    if src.kind != 'f':
        return (None,)
    return (astype(gy, dtype=src),)


astype = defop('astype', kind=ELEMENTWISE,
               impl=lambda xp, x, dtype: x.astype(dtype, copy=False),
               infer=_astype_infer, expr='cast({0})', vjp=_astype_vjp,
               attrs=dict(dtype=REQUIRED), may_alias=True)   # copy=False: maybe x itself

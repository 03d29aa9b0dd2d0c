"""Runs the checks of a table `Case`.

`run_forward(case, dtype)`, for every dtype of the row:

1. draws the inputs from a generator seeded by the row's name (adding rows elsewhere
   does not change them) and calls the target on Variables;
2. checks every output is a Variable of the reference's shape, of the input float dtype
   (for float outputs), and close to ``ref`` evaluated in float64 on the same values;
3. calls an op once more on plain arrays (it must still return Variables);
4. runs ``backward`` with random output gradients and checks that every differentiated
   input gets a gradient of its own shape and dtype (and no gradient for the others),
   close to the float64 gradient at the same point.

`check_case_backward` / `check_case_double_backward` compare first and second order
gradients with numerical ones in float64 (`chainfuse.gradient_check`).  A point that
lands within ``2 * eps`` of a kink is detected and the inputs are redrawn.
"""
import zlib

import numpy

from chainfuse import gradient_check
from chainfuse.core.backprop import grad as _grad
from chainfuse.core.variable import Variable
from chainfuse.testing.arrays import assert_allclose

GRAD_EPS = {numpy.dtype(numpy.float64): 1e-4, numpy.dtype(numpy.float32): 1e-2,
            numpy.dtype(numpy.float16): 1e-1}
_ATTEMPTS = 4


def _seed(case, attempt=0):
    return [zlib.crc32(case.name.encode()), attempt]


def make_inputs(case, dtype, attempt=0):
    """The row's input arrays for `dtype` (deterministic per row name and attempt)."""
    rng = numpy.random.default_rng(_seed(case, attempt))
    return [s.make(rng, dtype) for s in case.inputs]


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _ref_outputs(case, arrays):
    ref_in = [a.astype(numpy.float64) if a.dtype.kind == 'f' else a for a in arrays]
    return tuple(numpy.asarray(r) for r in _as_tuple(case.ref(*ref_in, **case.attrs)))


def _check_output_types(case, outs, dtype):
    for k, y in enumerate(outs):
        if not isinstance(y, Variable):
            raise AssertionError(f'{case.name}: output {k} is a {type(y).__name__}, '
                                 'expected a Variable')
        want = case.expected_out_dtype(dtype)
        if y.dtype.kind == 'f' and want is not None:
            if y.dtype != want:
                raise AssertionError(f'{case.name}: output {k} has dtype {y.dtype}, '
                                     f'expected {want}')


def _check_against_ref(case, outs, expected, dtype):
    if len(outs) != len(expected):
        raise AssertionError(f'{case.name}: {len(outs)} outputs, the reference gives '
                             f'{len(expected)}')
    atol, rtol = case.forward_tol(dtype)
    for k, (y, e) in enumerate(zip(outs, expected)):
        if tuple(y.shape) != tuple(e.shape):
            raise AssertionError(f'{case.name}: output {k} has shape {y.shape}, the '
                                 f'reference has {e.shape}')
        if e.dtype.kind in 'biu' and y.dtype.kind != e.dtype.kind:
            raise AssertionError(f'{case.name}: output {k} has dtype {y.dtype}, the '
                                 f'reference has {e.dtype}')
        assert_allclose(y, e, atol=atol, rtol=rtol,
                        err_msg=f'{case.name} ({dtype}): output {k} vs reference')


def _variables(case, arrays):
    grad_inputs = case.grad_inputs
    return [Variable(a, requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]


def _output_grads(case, outs, rng):
    """Random gradients for the float outputs (None for the others)."""
    return [numpy.asarray(rng.uniform(-1, 1, size=y.shape)).astype(y.dtype)
            if y.dtype.kind == 'f' else None for y in outs]


def _backward(case, arrays, gys):
    """Runs backward on fresh Variables; returns the input grads (None where absent)."""
    xs = _variables(case, arrays)
    outs = _as_tuple(case.call(xs))
    pairs = [(y, g) for y, g in zip(outs, gys) if g is not None]
    if len(outs) == 1 and pairs:
        outs[0].grad = gys[0].astype(outs[0].dtype, copy=False)
        outs[0].backward()
    elif pairs:
        targets = [xs[i] for i in case.grad_inputs]
        _grad([y for y, _ in pairs], targets, grad_outputs=[g for _, g in pairs],
              set_grad=True)
    return [x.grad for x in xs], xs


def _check_grad_types(case, xs, grads, dtype):
    for i, (x, g) in enumerate(zip(xs, grads)):
        if i not in case.grad_inputs:
            if g is not None:
                raise AssertionError(f'{case.name}: input {i} needs no gradient but got one')
            continue
        if g is None:
            continue  # an input the output does not depend on
        if tuple(g.shape) != tuple(x.shape) or g.dtype != x.dtype:
            raise AssertionError(
                f'{case.name} ({dtype}): gradient of input {i} has shape {g.shape} and dtype '
                f'{g.dtype}; the input has shape {x.shape} and dtype {x.dtype}')


def run_forward(case, dtype):
    """Forward value, types and shapes, and backward shapes/dtypes, for one dtype."""
    dtype = None if dtype is None else numpy.dtype(dtype)
    arrays = make_inputs(case, dtype)
    outs = _as_tuple(case.call(_variables(case, arrays)))
    _check_output_types(case, outs, dtype)
    if case.ref is not None:
        _check_against_ref(case, outs, _ref_outputs(case, arrays), dtype)
    if case.is_op:
        _check_output_types(case, _as_tuple(case.call(arrays)), dtype)
    if not case.grad_inputs:
        return
    rng = numpy.random.default_rng(_seed(case, 1000))
    gys = _output_grads(case, outs, rng)
    grads, xs = _backward(case, arrays, gys)
    _check_grad_types(case, xs, grads, dtype)
    f64 = numpy.dtype(numpy.float64)
    if dtype is not None and dtype != f64 and f64 in case.dtypes:
        _compare_with_f64_grads(case, arrays, gys, grads, dtype)


def _compare_with_f64_grads(case, arrays, gys, grads, dtype):
    up = [a.astype(numpy.float64) if a.dtype.kind == 'f' else a for a in arrays]
    gys64 = [None if g is None else g.astype(numpy.float64) for g in gys]
    grads64, _ = _backward(case, up, gys64)
    atol, rtol = case.forward_tol(dtype)
    for i in case.grad_inputs:
        if grads[i] is None or grads64[i] is None:
            if (grads[i] is None) != (grads64[i] is None):
                raise AssertionError(f'{case.name}: input {i} gets a gradient in one dtype '
                                     'but not the other')
            continue
        assert_allclose(grads[i], grads64[i], atol=atol, rtol=rtol,
                        err_msg=f'{case.name} ({dtype}): gradient of input {i} vs float64')


# ---- numerical gradient checks ----

def _grad_setup(case, attempt):
    dtype = case.grad_dtype
    arrays = make_inputs(case, dtype, attempt)
    no_grads = [i not in case.grad_inputs for i in range(len(arrays))]
    outs = _as_tuple(case.call([Variable(a, requires_grad=False) for a in arrays]))
    rng = numpy.random.default_rng(_seed(case, 2000 + attempt))
    gys = _output_grads(case, outs, rng)
    return dtype, arrays, no_grads, gys, rng


def _func(case):
    def f(*xs):
        return case.call(xs)
    return f


def _detect(dtype):
    # float16 rounding (1e-3) over a step of 0.1 is too noisy to tell kinks from curvature
    return dtype != numpy.float16


def _dodging_kinks(case, check):
    last = None
    for attempt in range(_ATTEMPTS):
        try:
            return check(attempt)
        except gradient_check.NondifferentiableError as e:
            last = e
    raise AssertionError(f'{case.name}: every one of {_ATTEMPTS} random draws of the inputs '
                         f'lands near a non-differentiable point ({last}); choose input '
                         'specs away from kinks, or set grad=False')


def check_case_backward(case):
    """First-order gradients vs numerical ones (float64 unless the row excludes it)."""
    if not case.grad_inputs:
        return

    def check(attempt):
        dtype, arrays, no_grads, gys, _ = _grad_setup(case, attempt)
        atol, rtol = case.grad_tol('backward')
        gradient_check.check_backward(
            _func(case), tuple(arrays), tuple(gys), eps=GRAD_EPS[dtype], atol=atol,
            rtol=rtol, no_grads=no_grads, detect_nondifferentiable=_detect(dtype))
    _dodging_kinks(case, check)


def check_case_double_backward(case):
    """Second-order gradients vs numerical ones."""
    if not case.grad_inputs or not case.double:
        return

    def check(attempt):
        dtype, arrays, no_grads, gys, rng = _grad_setup(case, attempt)
        ggx = [numpy.asarray(rng.uniform(-1, 1, size=arrays[i].shape)).astype(dtype)
               for i in case.grad_inputs]
        atol, rtol = case.grad_tol('double')
        gradient_check.check_double_backward(
            _func(case), tuple(arrays), tuple(gys), tuple(ggx), eps=GRAD_EPS[dtype],
            atol=atol, rtol=rtol, no_grads=no_grads, detect_nondifferentiable=_detect(dtype))
    _dodging_kinks(case, check)


def run_case(case, dtype=None):
    """All checks of a row: forward for `dtype` (every dtype when None), then gradients."""
    for d in ((dtype,) if dtype is not None else case.run_dtypes):
        run_forward(case, d)
    check_case_backward(case)
    check_case_double_backward(case)

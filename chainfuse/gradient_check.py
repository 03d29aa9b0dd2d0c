"""Numerical gradient checks, with Chainer's names and signatures.

`check_backward(func, x_data, y_grad)` compares the gradients that backprop computes
for ``func`` with central differences of the scalar ``L(x) = sum_k <func(x)[k], y_grad[k]>``:

- When the inputs are small (at most `FULL_CHECK_MAX_SIZE` elements in all), every
  element is perturbed, so the whole numerical gradient is compared with the whole
  backprop gradient, element by element.
- Otherwise, as Chainer does, one random unit direction ``d`` is drawn and the
  numerical derivative of ``t -> L(x + t d)`` at 0 is compared with ``<grad L, d>``.

Either way a failure raises AssertionError printing both gradients of every input.
`check_double_backward` differentiates the gradient itself: it checks
``(x, gy) -> grad_x <func(x), gy>`` with `check_backward`.  Works on numpy and cupy
arrays (perturbations are written into the arrays element by element).
"""
import numpy

from chainfuse import backend
from chainfuse.core.backprop import grad as _grad
from chainfuse.core.variable import Variable

FULL_CHECK_MAX_SIZE = 64  # inputs up to this many elements in all get a full check
_SHOW_FULL_ON_FAILURE = 1024  # a failed directional check also prints full grads up to this


class NondifferentiableError(Exception):
    """The function has a kink (or a non-finite value) within ``2 * eps`` of the point."""


def _as_tuple(x):
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _array(x):
    return x._data if isinstance(x, Variable) else x


def _xp(*arrays):
    return backend.get_array_module(*[a for a in arrays if a is not None])


# ---- numerical gradients ----

def _weighted_sum(outputs, grad_outputs):
    """``sum_k <outputs[k], grad_outputs[k]>`` in float64, skipping None weights."""
    outputs = _as_tuple(outputs)
    if len(outputs) != len(grad_outputs):
        raise ValueError(f'numerical_grad: f returned {len(outputs)} outputs but '
                         f'{len(grad_outputs)} grad_outputs were given')
    total = 0.0
    for y, gy in zip(outputs, grad_outputs):
        if gy is None:
            continue
        y = _array(y)
        total += float((y.astype(numpy.float64) * _array(gy).astype(numpy.float64)).sum())
    return total


def _check_differentiable(values, eps, k, index, diff_atol, diff_rtol):
    """Raises unless the one-sided slopes left and right of 0 extrapolate to one value.

    ``values`` maps the offsets -2..2 (in units of eps) to L.  For a smooth L the four
    slopes between neighbouring points lie on a line, so extrapolating the left pair and
    the right pair to the centre agrees up to O(eps^2); at a kink they differ.
    """
    if not all(numpy.isfinite(v) for v in values.values()):
        raise NondifferentiableError(
            f'input {k} index {index}: non-finite value near the point: {values}')
    left1 = (values[0] - values[-1]) / eps
    left2 = (values[-1] - values[-2]) / eps
    right1 = (values[1] - values[0]) / eps
    right2 = (values[2] - values[1]) / eps
    from_left = left1 + (left1 - left2) / 2
    from_right = right1 - (right2 - right1) / 2
    scale = max(abs(from_left), abs(from_right))
    if abs(from_left - from_right) > diff_atol + diff_rtol * scale:
        raise NondifferentiableError(
            f'input {k} index {index}: left derivative {from_left:.6g} and right '
            f'derivative {from_right:.6g} differ (eps={eps}); the point is within '
            f'2*eps of a kink')


def numerical_grad(f, inputs, grad_outputs, eps=1e-3, detect_nondifferentiable=False,
                   diff_atol=0, diff_rtol=1e-2, center_outputs=None):
    """Central-difference gradients of ``sum_k <f()[k], grad_outputs[k]>`` w.r.t. `inputs`.

    Args:
        f: a function of no arguments returning an array, a Variable, or a tuple of them;
            it must read `inputs`, which are perturbed in place (one element at a time,
            restored afterwards).
        inputs: tuple of float arrays.
        grad_outputs: one weight array (or None to ignore that output) per output of f.
        eps: the perturbation.  The actual step (after rounding to the input's dtype) is
            used in the quotient, so float16/float32 inputs give usable estimates.
        detect_nondifferentiable: also evaluate at ``+-2 eps`` and raise
            `NondifferentiableError` where left and right derivatives disagree by more
            than ``diff_atol + diff_rtol * |derivative|``.
        center_outputs: f() at the unperturbed point, if already known (saves a call).

    Returns:
        A tuple of gradient arrays, one per input, of the input's shape and dtype.
    """
    if eps <= 0:
        raise ValueError(f'numerical_grad: eps must be positive, got {eps}')
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs)
    for k, x in enumerate(inputs):
        if x.dtype.kind != 'f':
            raise TypeError(f'numerical_grad: input {k} has dtype {x.dtype}; only float '
                            'arrays can be perturbed')
    center = None
    if detect_nondifferentiable:
        outs = f() if center_outputs is None else center_outputs
        center = _weighted_sum(outs, grad_outputs)
    offsets = (-2, -1, 1, 2) if detect_nondifferentiable else (-1, 1)
    grads = []
    for k, x in enumerate(inputs):
        g = numpy.zeros(x.shape, dtype=numpy.float64)
        for index in numpy.ndindex(*x.shape):
            values, steps = _evaluate_around(f, x, index, offsets, eps, grad_outputs)
            g[index] = (values[1] - values[-1]) / (steps[1] - steps[-1])
            if detect_nondifferentiable:
                values[0] = center
                _check_differentiable(values, eps, k, index, diff_atol, diff_rtol)
        grads.append(_xp(x).asarray(g.astype(x.dtype)))
    return tuple(grads)


def _evaluate_around(f, x, index, offsets, eps, grad_outputs):
    orig = x[index].item()
    values, steps = {}, {}
    try:
        for s in offsets:
            x[index] = orig + s * eps
            steps[s] = x[index].item() - orig
            values[s] = _weighted_sum(f(), grad_outputs)
    finally:
        x[index] = orig
    return values, steps


# ---- check_backward ----

def _normalize_no_grads(x_data, no_grads):
    if no_grads is None:
        return tuple(x.dtype.kind != 'f' for x in x_data)
    no_grads = tuple(bool(n) for n in no_grads)
    if len(no_grads) != len(x_data):
        raise ValueError(f'no_grads has {len(no_grads)} entries for {len(x_data)} inputs')
    for i, (x, ng) in enumerate(zip(x_data, no_grads)):
        if not ng and x.dtype.kind != 'f':
            raise TypeError(f'input {i} has dtype {x.dtype}, which has no gradient; '
                            'mark it in no_grads')
    return no_grads


def _grad_outputs(ys, y_grad):
    """One weight per output (None: not differentiated).  y_grad None means a scalar loss."""
    if y_grad is None:
        if len(ys) != 1 or ys[0].size != 1:
            shapes = [y.shape for y in ys]
            raise ValueError(f'y_grad is None, so func must return one value of size 1 '
                             f'(a loss); it returned outputs of shapes {shapes}')
        return (ys[0].xp.ones_like(ys[0]._data),)
    y_grad = _as_tuple(y_grad)
    if len(y_grad) != len(ys):
        raise ValueError(f'func returned {len(ys)} outputs but y_grad has {len(y_grad)}')
    for i, (y, gy) in enumerate(zip(ys, y_grad)):
        if gy is not None and tuple(gy.shape) != tuple(y.shape):
            raise ValueError(f'y_grad[{i}] has shape {gy.shape}, output {i} has {y.shape}')
    return tuple(None if gy is None else _array(gy) for gy in y_grad)


def _call(func, xs):
    ys = _as_tuple(func(*xs))
    for i, y in enumerate(ys):
        if not isinstance(y, Variable):
            raise TypeError(f'func must return Variables; output {i} is {type(y).__name__}')
    return ys


def _backprop_grads(func, x_data, no_grads, y_grad, params):
    """Backprop gradients of the targets (inputs needing grad, then params) and the weights."""
    xs = [Variable(x, requires_grad=not ng) for x, ng in zip(x_data, no_grads)]
    ys = _call(func, xs)
    gys = _grad_outputs(ys, y_grad)
    targets = [x for x, ng in zip(xs, no_grads) if not ng] + list(params)
    pairs = [(y, Variable(g, requires_grad=False)) for y, g in zip(ys, gys) if g is not None]
    if not pairs or not targets:
        return [None] * len(targets), gys
    gxs = _grad([y for y, _ in pairs], targets, grad_outputs=[g for _, g in pairs])
    for i, (t, g) in enumerate(zip(targets, gxs)):
        if g is not None and (g.shape != t.shape or g.dtype != t.dtype):
            raise AssertionError(
                f'gradient {i} has shape {g.shape} and dtype {g.dtype}, but its input has '
                f'shape {t.shape} and dtype {t.dtype}')
    return [None if g is None else g._data for g in gxs], gys


class _Numerical:
    """The function of the float targets (inputs needing grad, then params) to differentiate.

    It owns copies of the inputs (cast to `dtype` when given); params have their arrays
    swapped for such copies only while ``evaluate`` runs.
    """

    def __init__(self, func, x_data, no_grads, params, gys, dtype):
        cast = (lambda a: a.astype(dtype) if dtype is not None and a.dtype.kind == 'f'
                else a.copy())
        self.func = func
        self.no_grads = no_grads
        self.x_arrays = [cast(x) for x in x_data]
        self.params = list(params)
        self.p_arrays = [cast(p._data) for p in self.params]
        self.gys = tuple(None if g is None else cast(g) for g in gys)
        self.targets = [a for a, ng in zip(self.x_arrays, no_grads) if not ng] + self.p_arrays

    def evaluate(self):
        saved = [p._data for p in self.params]
        try:
            for p, a in zip(self.params, self.p_arrays):
                p._data = a
            xs = [Variable(a, requires_grad=not ng)
                  for a, ng in zip(self.x_arrays, self.no_grads)]
            return tuple(y._data for y in _call(self.func, xs))
        finally:
            for p, a in zip(self.params, saved):
                p._data = a


def check_backward(func, x_data, y_grad, params=(), eps=1e-3, atol=1e-5, rtol=1e-4,
                   no_grads=None, dtype=None, detect_nondifferentiable=False):
    """Checks the gradients backprop computes for `func` against numerical ones.

    Args:
        func: called with one Variable per array of `x_data`; returns a Variable or a
            tuple of Variables.
        x_data: an array or a tuple of arrays (numpy or cupy).
        y_grad: one weight array per output (None entries: output not differentiated),
            or None when func returns one size-1 value (a loss).
        params: Variables (e.g. a Link's Parameters) used inside func whose gradients
            are checked too.
        eps, atol, rtol: perturbation and tolerances (``|num - bp| <= atol + rtol|num|``).
        no_grads: one bool per input; True for inputs that get no gradient (default:
            the non-float inputs).
        dtype: compute the numerical gradient with inputs cast to this dtype (e.g.
            float64 to check a float16 function accurately).
        detect_nondifferentiable: raise `NondifferentiableError` when the point is within
            ``2 * eps`` of a kink rather than reporting a wrong gradient.
    """
    x_data = _as_tuple(x_data)
    params = _as_tuple(params) if params is not None else ()
    no_grads = _normalize_no_grads(x_data, no_grads)
    bp, gys = _backprop_grads(func, x_data, no_grads, y_grad, params)
    num = _Numerical(func, x_data, no_grads, params, gys, dtype)
    if not num.targets:
        return
    names = [f'input {i}' for i, ng in enumerate(no_grads) if not ng]
    names += [f'param {getattr(p, "name", None) or i}' for i, p in enumerate(params)]
    bp = [_xp(t).zeros(t.shape, t.dtype) if g is None else g
          for g, t in zip(bp, num.targets)]
    size = sum(int(t.size) for t in num.targets)
    opts = dict(eps=eps, atol=atol, rtol=rtol, detect=detect_nondifferentiable)
    if size <= FULL_CHECK_MAX_SIZE:
        _check_full(num, bp, names, opts)
    else:
        _check_directional(num, bp, names, opts)


def _numerical_full(num, opts):
    center = num.evaluate() if opts['detect'] else None
    return numerical_grad(num.evaluate, num.targets, num.gys, eps=opts['eps'],
                          detect_nondifferentiable=opts['detect'], diff_atol=1e-8,
                          center_outputs=center)


def _check_full(num, bp, names, opts):
    numerical = _numerical_full(num, opts)
    bad = [k for k, (n, b) in enumerate(zip(numerical, bp))
           if not _close(n, b, opts['atol'], opts['rtol'])]
    if bad:
        raise AssertionError(_report('check_backward', numerical, bp, names, opts, bad))


def _check_directional(num, bp, names, opts):
    xp = _xp(*num.targets)
    dirs = [numpy.random.normal(size=t.shape) for t in num.targets]
    norm = numpy.sqrt(sum(float((d * d).sum()) for d in dirs)) or 1.0
    dirs = [xp.asarray(d / norm) for d in dirs]
    base = [t.copy() for t in num.targets]
    delta = numpy.zeros((), dtype=numpy.float64)

    def f():
        for t, b, d in zip(num.targets, base, dirs):
            t[...] = (b.astype(numpy.float64) + float(delta) * d).astype(t.dtype)
        return num.evaluate()

    center = f() if opts['detect'] else None
    (g_num,) = numerical_grad(f, (delta,), num.gys, eps=opts['eps'],
                              detect_nondifferentiable=opts['detect'], diff_atol=1e-8,
                              center_outputs=center)
    for t, b in zip(num.targets, base):
        t[...] = b
    g_num = float(g_num)
    g_bp = sum(float((b.astype(numpy.float64) * d).sum()) for b, d in zip(bp, dirs))
    if abs(g_num - g_bp) <= opts['atol'] + opts['rtol'] * abs(g_num):
        return
    msg = (f'check_backward failed along a random direction (eps={opts["eps"]}, '
           f'atol={opts["atol"]}, rtol={opts["rtol"]}):\n'
           f'  directional derivative, numerical: {g_num!r}\n'
           f'  directional derivative, backward:  {g_bp!r}\n')
    size = sum(int(t.size) for t in num.targets)
    if size <= _SHOW_FULL_ON_FAILURE:
        numerical = _numerical_full(num, dict(opts, detect=False))
        msg += _report('full gradients', numerical, bp, names, opts,
                       range(len(bp)), header=False)
    else:
        msg += ''.join(f'{name} backward gradient:\n{_show(b)}\n'
                       for name, b in zip(names, bp))
    raise AssertionError(msg)


def _close(a, b, atol, rtol):
    a = backend.to_cpu(a).astype(numpy.float64)
    b = backend.to_cpu(b).astype(numpy.float64)
    return bool(numpy.all(numpy.abs(a - b) <= atol + rtol * numpy.abs(a)))


def _show(a):
    return numpy.array2string(backend.to_cpu(a), precision=6, separator=', ',
                              threshold=200, prefix='    ')


def _report(what, numerical, bp, names, opts, which, header=True):
    lines = []
    if header:
        lines.append(f'{what} failed: backprop gradients differ from numerical ones '
                     f'(eps={opts["eps"]}, atol={opts["atol"]}, rtol={opts["rtol"]})')
    for k in which:
        n = backend.to_cpu(numerical[k]).astype(numpy.float64)
        b = backend.to_cpu(bp[k]).astype(numpy.float64)
        err = numpy.abs(n - b)
        where = numpy.unravel_index(int(err.argmax()), err.shape) if err.size else ()
        worst = float(err.max()) if err.size else 0.0
        lines.append(f'{names[k]} (shape {tuple(n.shape)}, dtype {bp[k].dtype}): '
                     f'max |error| {worst:.3g} at index {tuple(int(i) for i in where)}')
        lines.append(f'  numerical:\n    {_show(numerical[k])}')
        lines.append(f'  backward:\n    {_show(bp[k])}')
    return '\n'.join(lines)


# ---- check_double_backward ----

def check_double_backward(func, x_data, y_grad, x_grad_grad, params=(), params_grad_grad=(),
                          eps=1e-3, atol=1e-4, rtol=1e-3, no_grads=None, dtype=None,
                          detect_nondifferentiable=False):
    """Checks second-order gradients: `check_backward` of the first-order gradient.

    The checked function is ``(x..., gy...) -> (grad_x <func(x), gy>, grad_params ...)``,
    computed with ``enable_double_backprop=True``, weighted by `x_grad_grad` (one per
    input; None or omitted for inputs in `no_grads`) and `params_grad_grad`.
    """
    x_data = _as_tuple(x_data)
    params = _as_tuple(params) if params is not None else ()
    n_x = len(x_data)
    no_grads = _normalize_no_grads(x_data, no_grads)
    grad_idx = [i for i in range(n_x) if not no_grads[i]]
    ggx = _select_grad_grads(_as_tuple(x_grad_grad), n_x, grad_idx)
    ggp = _as_tuple(params_grad_grad) if params_grad_grad is not None else ()
    if len(ggp) != len(params):
        raise ValueError(f'params_grad_grad has {len(ggp)} entries for {len(params)} params')
    y_grad = None if y_grad is None else _as_tuple(y_grad)
    gy_pos = [] if y_grad is None else [i for i, g in enumerate(y_grad) if g is not None]

    def first_order_grad(*inputs):
        xs, gvs = inputs[:n_x], inputs[n_x:]
        ys = _call(func, xs)
        if y_grad is None:
            gys = [Variable(a) for a in _grad_outputs(ys, None)]
        else:
            gys = [None] * len(ys)
            for pos, g in zip(gy_pos, gvs):
                gys[pos] = g
        pairs = [(y, g) for y, g in zip(ys, gys) if g is not None]
        targets = [xs[i] for i in grad_idx] + list(params)
        gxs = _grad([y for y, _ in pairs], targets, grad_outputs=[g for _, g in pairs],
                    enable_double_backprop=True)
        return tuple(Variable(t.xp.zeros_like(t._data)) if g is None else g
                     for g, t in zip(gxs, targets))

    gy_data = tuple(_array(y_grad[i]) for i in gy_pos)
    check_backward(first_order_grad, x_data + gy_data, tuple(ggx) + tuple(ggp), params=params,
                   eps=eps, atol=atol, rtol=rtol, no_grads=no_grads + (False,) * len(gy_data),
                   dtype=dtype, detect_nondifferentiable=detect_nondifferentiable)


def _select_grad_grads(x_grad_grad, n_x, grad_idx):
    if len(x_grad_grad) == n_x and n_x != len(grad_idx):
        return [x_grad_grad[i] for i in grad_idx]
    if len(x_grad_grad) != len(grad_idx):
        raise ValueError(f'x_grad_grad has {len(x_grad_grad)} entries; expected one per '
                         f'input ({n_x}) or per input that gets a gradient ({len(grad_idx)})')
    return list(x_grad_grad)


# ---- assert_allclose: Chainer's chainer.gradient_check.assert_allclose, also
# chainer.testing.assert_allclose (defined here so that neither needs the test helpers)
def _to_numpy(x):
    if hasattr(x, 'xp') and hasattr(x, 'array'):  # a Variable
        x = x.array
    return numpy.asarray(backend.to_cpu(x))


def assert_allclose(x, y, atol=1e-5, rtol=1e-4, verbose=True, err_msg=''):
    """Asserts ``|x - y| <= atol + rtol * |y|`` elementwise (NaNs must match).

    `x` and `y` may be Variables, numpy or cupy arrays, or scalars; their shapes must be
    equal (a scalar or 0-d `y` is compared with every element of `x`).  The message
    shows the worst element, its index and, with `verbose`, both arrays.
    """
    a = _to_numpy(x)
    b = _to_numpy(y)
    if a.shape != b.shape and b.ndim != 0:
        raise AssertionError(f'{err_msg}\nshapes differ: {a.shape} vs {b.shape}'.lstrip())
    a64 = a.astype(numpy.float64)
    b64 = numpy.broadcast_to(b.astype(numpy.float64), a.shape)
    err = numpy.abs(a64 - b64)
    bound = atol + rtol * numpy.abs(b64)
    nan_ok = numpy.isnan(a64) & numpy.isnan(b64)
    inf_ok = numpy.isinf(a64) & (a64 == b64)
    bad = ~((err <= bound) | nan_ok | inf_ok)
    if not bad.any():
        return
    idx = numpy.unravel_index(int(numpy.argmax(numpy.where(bad, err, -1))), a.shape)
    idx = tuple(int(i) for i in idx)
    lines = [err_msg] if err_msg else []
    lines.append(f'not close (atol={atol}, rtol={rtol}): {int(bad.sum())} of {a.size} '
                 f'elements differ; worst at index {idx}: '
                 f'{float(a64[idx])!r} vs {float(b64[idx])!r} '
                 f'(|error| {err[idx]:.3g}, allowed {bound[idx]:.3g})')
    if verbose:
        opts = dict(precision=8, separator=', ', threshold=200)
        lines.append(f'x ({a.dtype}):\n{numpy.array2string(a, **opts)}')
        lines.append(f'y ({b.dtype}):\n{numpy.array2string(b, **opts)}')
    raise AssertionError('\n'.join(lines))

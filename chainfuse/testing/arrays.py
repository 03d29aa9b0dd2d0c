"""`assert_allclose` for Variables and numpy/cupy arrays."""
import numpy

from chainfuse import backend


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

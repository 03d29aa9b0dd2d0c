from chainfuse.config import no_backprop_mode
from chainfuse.core import state
from chainfuse.core.variable import Variable
from chainfuse.functions._util import v1_kwargs
from chainfuse.functions.normalization._precision import cast_all, cast_back, compute_dtype
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError, normalize_axis


def _layout(name, x, gamma, axis):
    """The reduced axes and the shape gamma takes to broadcast against x.

    axis None means the batch axis and every axis after gamma's (for x (N, C, H, W)
    and gamma (C,): (0, 2, 3)), as in Chainer.  gamma must have the shape of the axes
    that are not reduced, in order.
    """
    if x.dtype.kind != 'f':
        raise OpTypeError(name, f'x must be a floating-point array, got {x.dtype.name}')
    if axis is None:
        axes = (0,) + tuple(range(gamma.ndim + 1, x.ndim))
    else:
        axes = normalize_axis(name, axis, x.ndim)
    kept = tuple(x.shape[i] for i in range(x.ndim) if i not in axes)
    if tuple(gamma.shape) != kept:
        raise OpTypeError(name, f'gamma must have shape {kept} (the axes of x of shape '
                                f'{tuple(x.shape)} not in {axes}), got {tuple(gamma.shape)}')
    expanded = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    return axes, expanded


def _expand(name, v, what, shape, expanded):
    if tuple(v.shape) != shape:
        raise OpTypeError(name, f'{what} must have shape {shape} like gamma, got '
                                f'{tuple(v.shape)}')
    return A.reshape(v, shape=expanded)


def _array(v):
    return v._data if isinstance(v, Variable) else v


def _update_running(target, batch_stat, decay, factor):
    """``target = decay * target + (1 - decay) * factor * batch_stat``, in place."""
    target = _array(target)
    stat = A.reshape(batch_stat, shape=tuple(target.shape))
    if stat.dtype != target.dtype:
        stat = E.astype(stat, dtype=target.dtype)
    new = E.add(E.mul(target, float(decay)), E.mul(stat, (1.0 - decay) * factor))
    state.update_state(target, new)


class BatchStatistics:
    """The shared first half of batch (re)normalization: x, gamma, beta in the compute
    dtype, gamma and beta shaped to broadcast, the per-channel batch mean, centered x and
    the biased variance (keepdims), m values per channel and x's original dtype."""

    def __init__(self, name, x, gamma, beta, axis):
        self.axes, expanded = _layout(name, x, gamma, axis)
        shape = tuple(gamma.shape)
        self.dtype = x.dtype
        self.x, gamma, beta = cast_all(compute_dtype(self.dtype), x, gamma, beta)
        self.expanded = expanded
        self.gamma = A.reshape(gamma, shape=expanded)
        self.beta = _expand(name, beta, 'beta', shape, expanded)
        self.m = self.x.size // max(gamma.size, 1)
        self.mean = E.div(R.sum(self.x, axis=self.axes, keepdims=True), float(self.m))
        self.centered = E.sub(self.x, self.mean)
        self.var = E.div(R.sum(E.mul(self.centered, self.centered), axis=self.axes,
                               keepdims=True), float(self.m))


def batch_normalization(x, gamma, beta, eps=2e-5, running_mean=None, running_var=None,
                        decay=0.9, axis=None, **kwargs):
    """Normalizes x with the mean and variance of the batch, then scales and shifts.

    Over the reduced axes (default: all but axis 1 and gamma's other axes):
    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the biased batch variance.
    Composed of ops, so its gradient (and the gradient of that gradient) comes from the
    ops' rules; float16 inputs are computed in float32 (see ``_precision``).

    When `running_mean` / `running_var` arrays are given they are updated in place, as
    Chainer does: ``running = decay * running + (1 - decay) * stat``, the variance made
    unbiased by ``m / (m - 1)`` (m values per channel).  The update goes through
    `chainfuse.core.state.update_state`, which a tracer turns into a state output.
    """
    if kwargs:
        v1_kwargs('batch_normalization', kwargs)
    st = BatchStatistics('batch_normalization', x, gamma, beta, axis)
    y = E.add(E.mul(E.mul(st.centered, E.rsqrt(E.add(st.var, float(eps)))), st.gamma),
              st.beta)
    dtype, m, mean, var = st.dtype, st.m, st.mean, st.var
    y = cast_back(y, dtype)
    with no_backprop_mode():
        if running_mean is not None:
            _update_running(running_mean, mean, decay, 1.0)
        if running_var is not None:
            _update_running(running_var, var, decay, m / max(m - 1.0, 1.0))
    return y


def fixed_batch_normalization(x, gamma, beta, mean, var, eps=2e-5, axis=None, **kwargs):
    """Normalizes x with given statistics (test mode of batch normalization):
    ``y = gamma * (x - mean) / sqrt(var + eps) + beta``, differentiable in all five."""
    if kwargs:
        v1_kwargs('fixed_batch_normalization', kwargs)
    name = 'fixed_batch_normalization'
    axes, expanded = _layout(name, x, gamma, axis)
    shape = tuple(gamma.shape)
    dtype = x.dtype
    x, gamma, beta, mean, var = cast_all(compute_dtype(dtype), x, gamma, beta, mean, var)
    g = A.reshape(gamma, shape=expanded)
    b = _expand(name, beta, 'beta', shape, expanded)
    mu = _expand(name, mean, 'mean', shape, expanded)
    inv_std = E.rsqrt(E.add(_expand(name, var, 'var', shape, expanded), float(eps)))
    return cast_back(E.add(E.mul(E.mul(E.sub(x, mu), inv_std), g), b), dtype)

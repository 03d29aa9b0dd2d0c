import warnings

from chainfuse.config import no_backprop_mode, using_config
from chainfuse.functions.normalization.batch_normalization import (
    BatchStatistics, _array, _update_running, fixed_batch_normalization)
from chainfuse.functions.normalization._precision import cast_back
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E


def batch_renormalization(x, gamma, beta, rmax, dmax, eps=2e-5, running_mean=None,
                          running_var=None, decay=0.9, update_statistics=False):
    """Batch renormalization (Ioffe 2017): the batch-normalized x corrected toward the
    running statistics, ``y = gamma * (x_hat * r + d) + beta`` with
    ``r = clip(sigma_B / sigma, 1 / rmax, rmax)`` and ``d = clip((mu_B - mu) / sigma,
    -dmax, dmax)`` (sigma, mu: running; r and d are not differentiated, as in the paper
    and Chainer).  With `update_statistics` the running statistics are updated in place
    like batch_normalization's."""
    if running_mean is None or running_var is None:
        raise TypeError('batch_renormalization: running_mean and running_var are required')
    st = BatchStatistics('batch_renormalization', x, gamma, beta, None)
    expanded, dtype, m, mean, centered, var = (st.expanded, st.dtype, st.m, st.mean,
                                               st.centered, st.var)
    std = E.sqrt(E.add(var, float(eps)))
    with no_backprop_mode():
        run_mean = A.reshape(_array(running_mean), shape=expanded)
        run_std = E.sqrt(E.add(A.reshape(_array(running_var), shape=expanded), float(eps)))
        if run_std.dtype != std.dtype:
            run_mean = E.astype(run_mean, dtype=std.dtype)
            run_std = E.astype(run_std, dtype=std.dtype)
        r = E.minimum(E.maximum(E.div(A.stop_gradient(std), run_std), 1.0 / rmax), rmax)
        d = E.minimum(E.maximum(E.div(E.sub(A.stop_gradient(mean), run_mean), run_std),
                                -dmax), dmax)
    x_hat = E.div(centered, std)
    y = E.add(E.mul(E.add(E.mul(x_hat, r), d), st.gamma), st.beta)
    if update_statistics:
        with no_backprop_mode():
            _update_running(running_mean, mean, decay, 1.0)
            _update_running(running_var, var, decay, m / max(m - 1.0, 1.0))
    return cast_back(y, dtype)


def fixed_batch_renormalization(x, gamma, beta, mean, var, eps=2e-5):
    """Deprecated in Chainer: `fixed_batch_normalization` (in test mode)."""
    warnings.warn('fixed_batch_renormalization is deprecated; use fixed_batch_normalization',
                  DeprecationWarning, stacklevel=2)
    with using_config('train', False):
        return fixed_batch_normalization(x, gamma, beta, mean, var, eps)

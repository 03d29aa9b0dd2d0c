from chainfuse import random as cf_random
from chainfuse.core.variable import Variable
from chainfuse.functions.noise.dropout import device_name, draw_dtype
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops
from chainfuse.ops.registry import OpTypeError


def gaussian(mean, ln_var, *, eps=None, return_eps=False):
    """A sample of ``N(mean, exp(ln_var))`` by reparameterization:
    ``mean + exp(ln_var / 2) * eps`` with ``eps ~ N(0, 1)``.

    eps comes from the `normal` random op with a fresh key (or is given), so the sample
    is differentiable in mean and ln_var.  ``return_eps=True`` returns ``(y, eps)``.
    """
    if tuple(mean.shape) != tuple(ln_var.shape) or mean.dtype != ln_var.dtype:
        raise OpTypeError('gaussian', f'mean and ln_var must have the same shape and dtype, '
                                      f'got {mean.dtype.name} {tuple(mean.shape)} and '
                                      f'{ln_var.dtype.name} {tuple(ln_var.shape)}')
    if eps is None:
        eps = random_ops.normal(cf_random.next_key(), shape=tuple(mean.shape),
                                dtype=draw_dtype(mean.dtype), device=device_name(mean))
        if eps.dtype != mean.dtype:
            eps = E.astype(eps, dtype=mean.dtype)
    elif not isinstance(eps, Variable) and eps.dtype != mean.dtype:
        eps = eps.astype(mean.dtype)
    y = E.add(mean, E.mul(E.exp(E.mul(ln_var, 0.5)), eps))
    if return_eps:
        return y, eps._data if isinstance(eps, Variable) else eps
    return y

"""Losses of variational auto-encoders (Chainer's ``functions/loss/vae.py``)."""
import math

from chainfuse.functions.activation.softplus import softplus
from chainfuse.functions.loss import _common as C
from chainfuse.ops import elementwise as E

_LOG_2PI = math.log(2.0 * math.pi)


def _reduced(name, losses, reduce):
    C.check_reduce(name, reduce, ('sum', 'mean', 'no'))
    if reduce == 'no':
        return losses
    return C.total_of(losses, None if reduce == 'sum' else float(max(losses.size, 1)))


def gaussian_kl_divergence(mean, ln_var, reduce='sum'):
    """KL divergence of ``N(mean, exp(ln_var))`` from ``N(0, I)``, per element
    ``(mean**2 + exp(ln_var) - ln_var - 1) / 2``, summed (``'sum'``), averaged
    (``'mean'``) or not (``'no'``)."""
    C.check_same_shape('gaussian_kl_divergence', mean, ln_var, ('mean', 'ln_var'))
    terms = E.sub(E.sub(E.add(E.mul(mean, mean), E.exp(ln_var)), ln_var), 1.0)
    return _reduced('gaussian_kl_divergence', E.mul(terms, 0.5), reduce)


def bernoulli_nll(x, y, reduce='sum'):
    """Negative log-likelihood of x under Bernoulli(sigmoid(y)), per element
    ``softplus(y) - x * y``.  x may be bool or integer (0/1 samples, as Chainer
    accepts): it is cast to y's dtype first."""
    C.check_float('bernoulli_nll', y, 'y')
    if x.dtype.kind in 'biu':
        x = E.astype(x, dtype=y.dtype)
    C.check_same_shape('bernoulli_nll', x, y, ('x', 'y'))
    return _reduced('bernoulli_nll', E.sub(softplus(y), E.mul(x, y)), reduce)


def gaussian_nll(x, mean, ln_var, reduce='sum'):
    """Negative log-likelihood of x under ``N(mean, exp(ln_var))``, per element
    ``(log(2 pi) + ln_var) / 2 + (x - mean)**2 * exp(-ln_var) / 2``."""
    C.check_same_shape('gaussian_nll', x, mean, ('x', 'mean'))
    C.check_same_shape('gaussian_nll', x, ln_var, ('x', 'ln_var'))
    d = E.sub(x, mean)
    power = E.mul(E.mul(d, d), E.exp(E.neg(ln_var)))
    losses = E.mul(E.add(E.add(ln_var, _LOG_2PI), power), 0.5)
    return _reduced('gaussian_nll', losses, reduce)

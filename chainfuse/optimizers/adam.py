"""Adam and its variants (AdamW, AMSGrad, AdaBound, AMSBound), with Chainer 7's formulas.

One step, with ``t`` the rule's step count after incrementing::

    m += (1 - beta1) * (grad - m)
    v += (1 - beta2) * (grad * grad - v)
    vhat = max(vhat, v)  if amsgrad  else  v
    alpha_t = alpha * sqrt(1 - beta2**t) / (1 - beta1**t)
    step = alpha_t / (sqrt(vhat) + eps)
    step = clip(step, lower, upper)              # adabound only
    param -= eta * (step * m + weight_decay_rate * param)

AdaBound's bounds: ``final = final_lr * alpha / initial_alpha``,
``lower = final * (1 - 1 / (gamma * t + 1))``, ``upper = final * (1 + 1 / (gamma * t))``.
``alpha_t`` and the bounds are computed on the host (`AdamRule.step_hyperparams`) and
enter the step as scalars.  float16 parameters are updated in float32 arithmetic.

Chainer 7's CPU kernel applies weight decay as ``param *= 1 - weight_decay_rate`` while
its GPU kernel and documentation use ``eta * weight_decay_rate``; this is the
documented form (the two agree for the default ``eta = 1``).
"""
import math
import warnings

import numpy

from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule, check_eps

_default_hyperparam = Hyperparameter()
_default_hyperparam.alpha = 0.001
_default_hyperparam.beta1 = 0.9
_default_hyperparam.beta2 = 0.999
_default_hyperparam.eps = 1e-8
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0
_default_hyperparam.amsgrad = False
_default_hyperparam.adabound = False
_default_hyperparam.final_lr = 0.1
_default_hyperparam.gamma = 1e-3

_F32 = numpy.dtype(numpy.float32)


def _alpha_t(alpha, beta1, beta2, t):
    if t == 0:
        raise RuntimeError("Can't determine the learning rate of Adam optimizer because "
                           'the update steps have not been started.')
    fix1 = 1. - math.pow(beta1, t)
    fix2 = 1. - math.pow(beta2, t)
    return alpha * math.sqrt(fix2) / fix1


def _learning_rate(hp, t):
    return _alpha_t(hp.alpha, hp.beta1, hp.beta2, t)


def adam_step(ops, hp, param, grad, m, v, vhat=None, amsgrad=False, adabound=False):
    """The Adam update (module docstring); returns (param, m, v[, vhat]).

    ``hp``: alpha_t, one_minus_beta1, one_minus_beta2, eps, eta, weight_decay_rate, and
    lower/upper with `adabound`.  `amsgrad` and `adabound` are static.
    """
    dtype = param.dtype
    if dtype == numpy.float16:  # compute in float32, store in float16
        param, grad, m, v = (ops.astype(a, dtype=_F32) for a in (param, grad, m, v))
        vhat = None if vhat is None else ops.astype(vhat, dtype=_F32)
    m = m + hp['one_minus_beta1'] * (grad - m)
    v = v + hp['one_minus_beta2'] * (grad * grad - v)
    if amsgrad:
        vhat = ops.maximum(vhat, v)
    step = hp['alpha_t'] / (ops.sqrt(vhat if amsgrad else v) + hp['eps'])
    if adabound:
        step = ops.minimum(ops.maximum(step, hp['lower']), hp['upper'])
    param = param - hp['eta'] * (step * m + hp['weight_decay_rate'] * param)
    out = (param, m, v, vhat) if amsgrad else (param, m, v)
    if dtype == numpy.float16:
        out = tuple(ops.astype(a, dtype=dtype) for a in out)
    return out


class AdamRule(UpdateRule):
    """Update rule of Adam (see the module docstring; state ``m``, ``v`` and, with
    amsgrad, ``vhat``)."""

    step = staticmethod(adam_step)

    def __init__(self, parent_hyperparam=None, alpha=None, beta1=None, beta2=None, eps=None,
                 eta=None, weight_decay_rate=None, amsgrad=None, adabound=None,
                 final_lr=None, gamma=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        given = dict(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                     weight_decay_rate=weight_decay_rate, amsgrad=amsgrad,
                     adabound=adabound, final_lr=final_lr, gamma=gamma)
        for name, value in given.items():
            if value is not None:
                setattr(self.hyperparam, name, value)
        self.initial_alpha = self.hyperparam.alpha

    def state_keys(self):
        return ('m', 'v', 'vhat') if self.resolved_hyperparam()['amsgrad'] else ('m', 'v')

    def static_args(self):
        hp = self.resolved_hyperparam()
        return {'amsgrad': bool(hp['amsgrad']), 'adabound': bool(hp['adabound'])}

    def hyperparam_dtype(self, param_dtype):
        return _F32 if param_dtype == numpy.float16 else param_dtype

    def check_dtype(self, dtype):
        check_eps('Adam', self.resolved_hyperparam()['eps'], self.hyperparam_dtype(dtype))

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        out = {'alpha_t': float(_alpha_t(hp['alpha'], hp['beta1'], hp['beta2'], self.t)),
               'one_minus_beta1': 1.0 - hp['beta1'], 'one_minus_beta2': 1.0 - hp['beta2'],
               'eps': float(hp['eps']), 'eta': float(hp['eta']),
               'weight_decay_rate': float(hp['weight_decay_rate'])}
        if hp['adabound']:
            out['lower'], out['upper'] = self.bounds
        return out

    @property
    def alpha_t(self):
        """The bias-corrected step size ``alpha * sqrt(1 - beta2**t) / (1 - beta1**t)``."""
        return float(_learning_rate(self.hyperparam, self.t))

    @property
    def lr(self):
        warnings.warn('AdamRule.lr has been renamed to AdamRule.alpha_t. Use of AdamRule.lr '
                      'is deprecated in Chainer v6.', DeprecationWarning)
        return self.alpha_t

    @property
    def bounds(self):
        """AdaBound's (lower, upper) clip of the per-coordinate step at the current t."""
        if self.t == 0:
            raise RuntimeError("Can't determine the bounds of AdaBound optimizer because "
                               'the update steps have not been started.')
        hp = self.hyperparam
        final_lr = hp.final_lr * hp.alpha / self.initial_alpha
        lower = final_lr * (1.0 - 1.0 / (hp.gamma * self.t + 1))
        upper = final_lr * (1.0 + 1.0 / (hp.gamma * self.t))
        return float(lower), float(upper)


class Adam(GradientMethod):
    """Adam (Kingma and Ba), with AdamW's ``eta``/``weight_decay_rate`` and the
    ``amsgrad`` and ``adabound`` variants.

    Args:
        alpha (float): coefficient of the learning rate.
        beta1 (float): exponential decay rate of the first moment.
        beta2 (float): exponential decay rate of the second moment.
        eps (float): small value for numerical stability.
        eta (float): schedule multiplier (warm restarts).
        weight_decay_rate (float): decoupled weight decay rate (AdamW).
        amsgrad (bool): use AMSGrad's running maximum ``vhat``.
        adabound (bool): clip the step into AdaBound's bounds.
        final_lr (float): AdaBound's final (SGD) learning rate.
        gamma (float): AdaBound's convergence speed of the bounds.
    """

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate,
                 amsgrad=_default_hyperparam.amsgrad, adabound=_default_hyperparam.adabound,
                 final_lr=_default_hyperparam.final_lr, gamma=_default_hyperparam.gamma):
        super().__init__()
        hp = self.hyperparam
        hp.alpha = alpha
        hp.beta1 = beta1
        hp.beta2 = beta2
        hp.eps = eps
        hp.eta = eta
        hp.weight_decay_rate = weight_decay_rate
        hp.amsgrad = amsgrad
        hp.adabound = adabound
        hp.final_lr = final_lr
        hp.gamma = gamma

    alpha = HyperparameterProxy('alpha')
    beta1 = HyperparameterProxy('beta1')
    beta2 = HyperparameterProxy('beta2')
    eps = HyperparameterProxy('eps')
    eta = HyperparameterProxy('eta')
    weight_decay_rate = HyperparameterProxy('weight_decay_rate')
    amsgrad = HyperparameterProxy('amsgrad')
    adabound = HyperparameterProxy('adabound')
    final_lr = HyperparameterProxy('final_lr')
    gamma = HyperparameterProxy('gamma')

    def create_update_rule(self):
        return AdamRule(self.hyperparam)

    @property
    def alpha_t(self):
        return float(_learning_rate(self.hyperparam, self.t))

    @property
    def lr(self):
        warnings.warn('Adam.lr has been renamed to AdamRule.alpha_t. Use of Adam.lr is '
                      'deprecated in Chainer v6.', DeprecationWarning)
        return self.alpha_t


class AdamW(Adam):
    """Adam with decoupled weight decay (a special case of `Adam`)."""

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                         weight_decay_rate=weight_decay_rate)


class AMSGrad(Adam):
    """Adam with AMSGrad's running maximum of ``v`` (``Adam(amsgrad=True)``)."""

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                         amsgrad=True)


class AdaBound(Adam):
    """Adam whose step is clipped into converging bounds (``Adam(adabound=True)``)."""

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, final_lr=_default_hyperparam.final_lr,
                 gamma=_default_hyperparam.gamma, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                         amsgrad=False, adabound=True, final_lr=final_lr, gamma=gamma)


class AMSBound(Adam):
    """AdaBound with AMSGrad's ``vhat`` (``Adam(amsgrad=True, adabound=True)``)."""

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, final_lr=_default_hyperparam.final_lr,
                 gamma=_default_hyperparam.gamma, eps=_default_hyperparam.eps,
                 eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                         amsgrad=True, adabound=True, final_lr=final_lr, gamma=gamma)

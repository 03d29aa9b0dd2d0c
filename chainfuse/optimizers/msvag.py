"""M-SVAG (Balles and Hennig, arXiv:1705.07774), with decoupled weight decay.

With ``b = beta**t`` (the bias correction after ``t`` steps):
``m += (1-beta)(grad - m)``, ``v += (1-beta)(grad**2 - v)``, ``mt = m/(1-b)``,
``vt = v/(1-b)``, ``s = (vt - mt**2)/(1 - rho)`` and the variance adaptation factor
``clip(mt**2 / (mt**2 + rho s), 0, 1)`` (0 where it is 0/0), where
``rho = min((1-beta)**2 (1-b**2) / ((1-b)**2 (1-beta**2)), 0.9999)`` is computed on
the host; ``param -= eta (lr mt factor + weight_decay_rate param)``.
"""
import numpy

from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.1
_default_hyperparam.beta = 0.9
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0


def msvag_step(ops, hp, param, grad, m, v):
    """``hp``: lr, one_minus_beta, bias (1 - beta**t), rho, one_minus_rho, eta,
    weight_decay_rate, zero, one."""
    m = m + hp['one_minus_beta'] * (grad - m)
    v = v + hp['one_minus_beta'] * (grad * grad - v)
    mt = m / hp['bias']
    vt = v / hp['bias']
    mt2 = mt * mt
    s = (vt - mt2) / hp['one_minus_rho']
    ratio = mt2 / (mt2 + hp['rho'] * s)
    factor = ops.minimum(ops.maximum(ratio, hp['zero']), hp['one'])
    factor = ops.where(ops.not_equal(ratio, ratio), hp['zero'], factor)  # 0/0 -> 0
    param = param - hp['eta'] * (hp['lr'] * mt * factor + hp['weight_decay_rate'] * param)
    return param, m, v


class MSVAGRule(UpdateRule):
    """Update rule of M-SVAG (hyperparameters ``lr``, ``beta``, ``eta``,
    ``weight_decay_rate``; state ``m``, ``v``)."""

    state_names = ('m', 'v')
    step = staticmethod(msvag_step)

    def __init__(self, parent_hyperparam=None, lr=None, beta=None, eta=None,
                 weight_decay_rate=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        for name, value in (('lr', lr), ('beta', beta), ('eta', eta),
                            ('weight_decay_rate', weight_decay_rate)):
            if value is not None:
                setattr(self.hyperparam, name, value)

    def update_core(self, param):
        with numpy.errstate(invalid='ignore'):      # 0/0 where m = v = 0: factor 0
            super().update_core(param)

    @property
    def beta_power(self):
        """``beta ** t``: the bias correction of the update about to be made (Chainer
        keeps it as an attribute; here it follows ``t``, so it survives a resume)."""
        return float(self.resolved_hyperparam()['beta']) ** max(self.t, 1)

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        beta = float(hp['beta'])
        power = self.beta_power
        rho = ((1.0 - beta) ** 2 * (1.0 - power ** 2)
               / ((1.0 - power) ** 2 * (1.0 - beta ** 2)))
        rho = min(rho, 0.9999)
        return {'lr': float(hp['lr']), 'one_minus_beta': 1 - beta, 'bias': 1 - power,
                'rho': rho, 'one_minus_rho': 1 - rho, 'eta': float(hp['eta']),
                'weight_decay_rate': float(hp['weight_decay_rate']), 'zero': 0.0,
                'one': 1.0}


class MSVAG(GradientMethod):
    """M-SVAG optimizer.

    Args:
        lr (float): learning rate.
        beta (float): exponential decay rate of the first and second moments.
        eta (float): schedule multiplier (for warm restarts).
        weight_decay_rate (float): decoupled weight decay rate.
    """

    def __init__(self, lr=_default_hyperparam.lr, beta=_default_hyperparam.beta,
                 eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.beta = beta
        self.hyperparam.eta = eta
        self.hyperparam.weight_decay_rate = weight_decay_rate

    lr = HyperparameterProxy('lr')
    beta = HyperparameterProxy('beta')
    eta = HyperparameterProxy('eta')
    weight_decay_rate = HyperparameterProxy('weight_decay_rate')

    def create_update_rule(self):
        return MSVAGRule(self.hyperparam)

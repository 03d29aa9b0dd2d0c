"""AdaDelta (Zeiler, 2012): steps scaled by the ratio of running RMS of updates and grads.

``msg = rho * msg + (1 - rho) * grad**2``;
``dx = sqrt((msdx + eps) / (msg + eps)) * grad``;
``msdx = rho * msdx + (1 - rho) * dx**2``; ``param -= dx``.
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.rho = 0.95
_default_hyperparam.eps = 1e-6


def ada_delta_step(ops, hp, param, grad, msg, msdx):
    """``hp``: rho, one_minus_rho, eps."""
    msg = hp['rho'] * msg + hp['one_minus_rho'] * grad * grad
    dx = ops.sqrt((msdx + hp['eps']) / (msg + hp['eps'])) * grad
    msdx = hp['rho'] * msdx + hp['one_minus_rho'] * dx * dx
    return param - dx, msg, msdx


class AdaDeltaRule(UpdateRule):
    """Update rule of AdaDelta (hyperparameters ``rho``, ``eps``; state ``msg``, ``msdx``)."""

    state_names = ('msg', 'msdx')
    step = staticmethod(ada_delta_step)

    def __init__(self, parent_hyperparam=None, rho=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if rho is not None:
            self.hyperparam.rho = rho
        if eps is not None:
            self.hyperparam.eps = eps

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        rho = float(hp['rho'])
        return {'rho': rho, 'one_minus_rho': 1 - rho, 'eps': float(hp['eps'])}


class AdaDelta(GradientMethod):
    """Zeiler's ADADELTA (no learning rate).

    Args:
        rho (float): exponential decay rate of the running averages.
        eps (float): small value for numerical stability.
    """

    def __init__(self, rho=_default_hyperparam.rho, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.rho = rho
        self.hyperparam.eps = eps

    rho = HyperparameterProxy('rho')
    eps = HyperparameterProxy('eps')

    def create_update_rule(self):
        return AdaDeltaRule(self.hyperparam)

"""CorrectedMomentumSGD: momentum SGD with momentum correction (Goyal et al. 2017, eq. 9).

``v = momentum * v - grad; param += lr * v``: the velocity holds gradients, not steps,
so a changed learning rate applies to the whole velocity at once (MomentumSGD is
eq. 10, whose velocity carries the old learning rate).
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def corrected_momentum_sgd_step(ops, hp, param, grad, v):
    v = hp['momentum'] * v - grad
    return param + hp['lr'] * v, v


class CorrectedMomentumSGDRule(UpdateRule):
    """Update rule of CorrectedMomentumSGD (hyperparameters ``lr``, ``momentum``;
    state ``v``)."""

    state_names = ('v',)
    step = staticmethod(corrected_momentum_sgd_step)

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if momentum is not None:
            self.hyperparam.momentum = momentum

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        return {'lr': float(hp['lr']), 'momentum': float(hp['momentum'])}


class CorrectedMomentumSGD(GradientMethod):
    """Momentum SGD with momentum correction.

    Args:
        lr (float): learning rate.
        momentum (float): exponential decay rate of the velocity.
    """

    def __init__(self, lr=_default_hyperparam.lr, momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    lr = HyperparameterProxy('lr')
    momentum = HyperparameterProxy('momentum')

    def create_update_rule(self):
        return CorrectedMomentumSGDRule(self.hyperparam)

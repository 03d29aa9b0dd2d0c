"""NesterovAG: Nesterov's accelerated gradient in the form of arXiv:1212.0901.

``v = momentum * v - lr * grad``;
``param += momentum**2 * v - (1 + momentum) * lr * grad``.
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def nesterov_ag_step(ops, hp, param, grad, v):
    """``hp``: lr, momentum, momentum_sq (momentum**2), lr_ahead ((1 + momentum) * lr)."""
    v = hp['momentum'] * v - hp['lr'] * grad
    return param + hp['momentum_sq'] * v - hp['lr_ahead'] * grad, v


class NesterovAGRule(UpdateRule):
    """Update rule of NesterovAG (hyperparameters ``lr``, ``momentum``; state ``v``)."""

    state_names = ('v',)
    step = staticmethod(nesterov_ag_step)

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if momentum is not None:
            self.hyperparam.momentum = momentum

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        lr = float(hp['lr'])
        mu = float(hp['momentum'])
        return {'lr': lr, 'momentum': mu, 'momentum_sq': mu * mu,
                'lr_ahead': (1 + mu) * lr}


class NesterovAG(GradientMethod):
    """Nesterov's accelerated gradient.

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
        return NesterovAGRule(self.hyperparam)

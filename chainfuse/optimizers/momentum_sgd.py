"""MomentumSGD: ``v = momentum * v - lr * grad; param += v``."""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def momentum_sgd_step(ops, hp, param, grad, v):
    """Classical momentum: the velocity ``v`` accumulates the scaled gradients."""
    v = hp['momentum'] * v - hp['lr'] * grad
    return param + v, v


class MomentumSGDRule(UpdateRule):
    """Update rule of MomentumSGD (hyperparameters ``lr``, ``momentum``; state ``v``)."""

    state_names = ('v',)
    step = staticmethod(momentum_sgd_step)

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if momentum is not None:
            self.hyperparam.momentum = momentum

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        return {'lr': float(hp['lr']), 'momentum': float(hp['momentum'])}


class MomentumSGD(GradientMethod):
    """Momentum SGD.

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
        return MomentumSGDRule(self.hyperparam)

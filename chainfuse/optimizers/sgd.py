"""SGD: plain stochastic gradient descent, ``param -= lr * grad``."""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.01


def sgd_step(ops, hp, param, grad):
    """``param - lr * grad``."""
    return (param - hp['lr'] * grad,)


class SGDRule(UpdateRule):
    """Update rule of SGD (hyperparameter ``lr``)."""

    step = staticmethod(sgd_step)

    def __init__(self, parent_hyperparam=None, lr=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr

    def step_hyperparams(self):
        return {'lr': float(self.resolved_hyperparam()['lr'])}


class SGD(GradientMethod):
    """Vanilla stochastic gradient descent.

    Args:
        lr (float): learning rate.
    """

    def __init__(self, lr=_default_hyperparam.lr):
        super().__init__()
        self.hyperparam.lr = lr

    lr = HyperparameterProxy('lr')

    def create_update_rule(self):
        return SGDRule(self.hyperparam)

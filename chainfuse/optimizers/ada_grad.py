"""AdaGrad: ``h += grad**2; param -= lr * grad / (sqrt(h) + eps)``."""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-8


def ada_grad_step(ops, hp, param, grad, h):
    """``h`` accumulates squared gradients; each coordinate's step shrinks with it."""
    h = h + grad * grad
    return param - hp['lr'] * grad / (ops.sqrt(h) + hp['eps']), h


class AdaGradRule(UpdateRule):
    """Update rule of AdaGrad (hyperparameters ``lr``, ``eps``; state ``h``)."""

    state_names = ('h',)
    step = staticmethod(ada_grad_step)

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if eps is not None:
            self.hyperparam.eps = eps

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        return {'lr': float(hp['lr']), 'eps': float(hp['eps'])}


class AdaGrad(GradientMethod):
    """AdaGrad (Duchi et al., 2011).

    Args:
        lr (float): learning rate.
        eps (float): small value for numerical stability.
    """

    def __init__(self, lr=_default_hyperparam.lr, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.eps = eps

    lr = HyperparameterProxy('lr')
    eps = HyperparameterProxy('eps')

    def create_update_rule(self):
        return AdaGradRule(self.hyperparam)

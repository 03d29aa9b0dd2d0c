"""RMSpropGraves: Alex Graves's RMSprop with momentum (arXiv:1308.0850, eq. 38-41).

``n = alpha * n + (1 - alpha) * grad**2``; ``g = alpha * g + (1 - alpha) * grad``;
``delta = momentum * delta - lr * grad / sqrt(n - g**2 + eps)``; ``param += delta``.
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule, check_eps

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 1e-4
_default_hyperparam.alpha = 0.95
_default_hyperparam.momentum = 0.9
_default_hyperparam.eps = 1e-4


def rmsprop_graves_step(ops, hp, param, grad, n, g, delta):
    """``hp``: lr, alpha, one_minus_alpha, momentum, eps."""
    n = hp['alpha'] * n + hp['one_minus_alpha'] * grad * grad
    g = hp['alpha'] * g + hp['one_minus_alpha'] * grad
    delta = hp['momentum'] * delta - hp['lr'] * grad / ops.sqrt(n - g * g + hp['eps'])
    return param + delta, n, g, delta


class RMSpropGravesRule(UpdateRule):
    """Update rule of RMSpropGraves (hyperparameters ``lr``, ``alpha``, ``momentum``,
    ``eps``; state ``n``, ``g``, ``delta``)."""

    state_names = ('n', 'g', 'delta')
    step = staticmethod(rmsprop_graves_step)

    def __init__(self, parent_hyperparam=None, lr=None, alpha=None, momentum=None,
                 eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        for name, value in (('lr', lr), ('alpha', alpha), ('momentum', momentum),
                            ('eps', eps)):
            if value is not None:
                setattr(self.hyperparam, name, value)

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        alpha = float(hp['alpha'])
        return {'lr': float(hp['lr']), 'alpha': alpha, 'one_minus_alpha': 1 - alpha,
                'momentum': float(hp['momentum']), 'eps': float(hp['eps'])}

    def check_dtype(self, dtype):
        check_eps('RMSpropGraves', self.resolved_hyperparam()['eps'], dtype)


class RMSpropGraves(GradientMethod):
    """Alex Graves's RMSprop.

    Args:
        lr (float): learning rate.
        alpha (float): exponential decay rate of the first and second moments of the
            raw gradient.
        momentum (float): exponential decay rate of the step.
        eps (float): small value for numerical stability.
    """

    def __init__(self, lr=_default_hyperparam.lr, alpha=_default_hyperparam.alpha,
                 momentum=_default_hyperparam.momentum, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.alpha = alpha
        self.hyperparam.momentum = momentum
        self.hyperparam.eps = eps

    lr = HyperparameterProxy('lr')
    alpha = HyperparameterProxy('alpha')
    momentum = HyperparameterProxy('momentum')
    eps = HyperparameterProxy('eps')

    def create_update_rule(self):
        return RMSpropGravesRule(self.hyperparam)

"""RMSprop (Tieleman and Hinton, 2012).

``ms = alpha * ms + (1 - alpha) * grad**2``; ``param -= lr * grad / (sqrt(ms) + eps)``
(``sqrt(ms + eps)`` with ``eps_inside_sqrt=True``).
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule, check_eps

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.alpha = 0.99
_default_hyperparam.eps = 1e-8
_default_hyperparam.eps_inside_sqrt = False


def rmsprop_step(ops, hp, param, grad, ms, eps_inside_sqrt=False):
    """``hp``: lr, alpha, one_minus_alpha, eps.  `eps_inside_sqrt` is static."""
    ms = hp['alpha'] * ms + hp['one_minus_alpha'] * grad * grad
    if eps_inside_sqrt:
        denom = ops.sqrt(ms + hp['eps'])
    else:
        denom = ops.sqrt(ms) + hp['eps']
    return param - hp['lr'] * grad / denom, ms


class RMSpropRule(UpdateRule):
    """Update rule of RMSprop (hyperparameters ``lr``, ``alpha``, ``eps``,
    ``eps_inside_sqrt``; state ``ms``)."""

    state_names = ('ms',)
    step = staticmethod(rmsprop_step)

    def __init__(self, parent_hyperparam=None, lr=None, alpha=None, eps=None,
                 eps_inside_sqrt=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if alpha is not None:
            self.hyperparam.alpha = alpha
        if eps is not None:
            self.hyperparam.eps = eps
        if eps_inside_sqrt is not None:
            self.hyperparam.eps_inside_sqrt = eps_inside_sqrt

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        alpha = float(hp['alpha'])
        return {'lr': float(hp['lr']), 'alpha': alpha, 'one_minus_alpha': 1 - alpha,
                'eps': float(hp['eps'])}

    def static_args(self):
        return {'eps_inside_sqrt': bool(self.resolved_hyperparam()['eps_inside_sqrt'])}

    def check_dtype(self, dtype):
        check_eps('RMSprop', self.resolved_hyperparam()['eps'], dtype)


class RMSprop(GradientMethod):
    """RMSprop.

    Args:
        lr (float): learning rate.
        alpha (float): exponential decay rate of the mean square.
        eps (float): small value for numerical stability.
        eps_inside_sqrt (bool): divide by ``sqrt(ms + eps)`` instead of
            ``sqrt(ms) + eps``.
    """

    def __init__(self, lr=_default_hyperparam.lr, alpha=_default_hyperparam.alpha,
                 eps=_default_hyperparam.eps,
                 eps_inside_sqrt=_default_hyperparam.eps_inside_sqrt):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.alpha = alpha
        self.hyperparam.eps = eps
        self.hyperparam.eps_inside_sqrt = eps_inside_sqrt

    lr = HyperparameterProxy('lr')
    alpha = HyperparameterProxy('alpha')
    eps = HyperparameterProxy('eps')
    eps_inside_sqrt = HyperparameterProxy('eps_inside_sqrt')

    def create_update_rule(self):
        return RMSpropRule(self.hyperparam)

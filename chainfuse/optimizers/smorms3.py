"""SMORMS3: Simon Funk's "squared mean over root mean squared cubed" (2015).

Per element, a memory ``mem`` (initially 1) sets the averaging rate ``r = 1/(mem+1)``:
``g = (1-r) g + r grad``, ``g2 = (1-r) g2 + r grad**2``, ``x = g**2 / (g2 + eps)``,
``param -= grad * min(x, lr) / (sqrt(g2) + eps)``, ``mem = 1 + mem * (1 - x)``.
"""
from chainfuse.optimizers.gradient_method import GradientMethod
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy
from chainfuse.optimizers.update_rule import UpdateRule

_default_hyperparam = Hyperparameter()
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-16


def smorms3_step(ops, hp, param, grad, mem, g, g2):
    """``hp``: lr, eps, one."""
    r = hp['one'] / (mem + hp['one'])
    g = (hp['one'] - r) * g + r * grad
    g2 = (hp['one'] - r) * g2 + r * grad * grad
    x = g * g / (g2 + hp['eps'])
    param = param - grad * ops.minimum(x, hp['lr']) / (ops.sqrt(g2) + hp['eps'])
    return param, hp['one'] + mem * (hp['one'] - x), g, g2


class SMORMS3Rule(UpdateRule):
    """Update rule of SMORMS3 (hyperparameters ``lr``, ``eps``; state ``mem``, ``g``,
    ``g2``; ``mem`` starts at one)."""

    state_names = ('mem', 'g', 'g2')
    step = staticmethod(smorms3_step)

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        if lr is not None:
            self.hyperparam.lr = lr
        if eps is not None:
            self.hyperparam.eps = eps

    def init_state(self, param):
        super().init_state(param)
        self._state['mem'] += 1

    def step_hyperparams(self):
        hp = self.resolved_hyperparam()
        return {'lr': float(hp['lr']), 'eps': float(hp['eps']), 'one': 1.0}


class SMORMS3(GradientMethod):
    """Simon Funk's SMORMS3.

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
        return SMORMS3Rule(self.hyperparam)

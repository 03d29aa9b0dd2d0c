"""CorrectedMomentumSGD: momentum SGD with momentum correction (Goyal et al. 2017, eq. 9).

``v = momentum * v - grad; param += lr * v``: the velocity holds gradients, not steps,
so a changed learning rate applies to the whole velocity at once (MomentumSGD is
eq. 10, whose velocity carries the old learning rate).  Same hyperparameters, defaults
and state as MomentumSGD; only the step differs.
"""
from chainfuse.optimizers.momentum_sgd import MomentumSGD, MomentumSGDRule


def corrected_momentum_sgd_step(ops, hp, param, grad, v):
    v = hp['momentum'] * v - grad
    return param + hp['lr'] * v, v


class CorrectedMomentumSGDRule(MomentumSGDRule):
    """Update rule of CorrectedMomentumSGD (hyperparameters ``lr``, ``momentum``;
    state ``v``)."""

    step = staticmethod(corrected_momentum_sgd_step)


class CorrectedMomentumSGD(MomentumSGD):
    """Momentum SGD with momentum correction.

    Args:
        lr (float): learning rate.
        momentum (float): exponential decay rate of the velocity.
    """

    def create_update_rule(self):
        return CorrectedMomentumSGDRule(self.hyperparam)

"""Lasso: L1 regularization, ``grad += rate * sign(param)`` before the update."""
from chainfuse.optimizers.step_ops import rewrite_grad


def lasso_step(ops, hp, param, grad):
    return grad + hp['rate'] * ops.sign(param)


class Lasso:
    """Optimizer hook adding the (sub)gradient of ``rate * ||param||_1`` to each grad.

    Args:
        rate (float): coefficient of the L1 penalty.
    """

    name = 'Lasso'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        rewrite_grad(lasso_step, {'rate': float(self.rate)}, param)

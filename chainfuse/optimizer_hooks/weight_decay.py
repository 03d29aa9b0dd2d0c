"""WeightDecay: L2 regularization, ``grad += rate * param`` before the update."""
from chainfuse.optimizers.step_ops import rewrite_grad


def weight_decay_step(ops, hp, param, grad):
    return grad + hp['rate'] * param


class WeightDecay:
    """Optimizer hook adding the gradient of ``rate / 2 * ||param||^2`` to each grad.

    Args:
        rate (float): coefficient of the weight decay.
    """

    name = 'WeightDecay'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        rewrite_grad(weight_decay_step, {'rate': float(self.rate)}, param)

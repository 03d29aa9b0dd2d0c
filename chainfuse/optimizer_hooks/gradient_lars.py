"""GradientLARS: layer-wise adaptive rate scaling (You et al., arXiv:1708.03888).

Each parameter's gradient becomes ``(grad + weight_decay * param) * rate`` where
``rate = ||param|| / (eps + ||grad|| + weight_decay * ||param||)`` if
``||param|| > threshold``, else 1 (norms over the whole array).  With SGD or
MomentumSGD this is LARS with the learning rate standing for ``gamma * eta``.
"""
from chainfuse.optimizers.step_ops import rewrite_grad


def gradient_lars_step(ops, hp, param, grad):
    """``hp``: threshold, weight_decay, eps, one."""
    p_norm = ops.sqrt(ops.sum(param * param))
    g_norm = ops.sqrt(ops.sum(grad * grad))
    local = p_norm / (hp['eps'] + g_norm + hp['weight_decay'] * p_norm)
    rate = ops.where(ops.greater(p_norm, hp['threshold']), local, hp['one'])
    return (grad + hp['weight_decay'] * param) * rate


class GradientLARS:
    """Optimizer hook scaling each parameter's gradient to its weight norm.

    Args:
        threshold (float): the gradient is scaled only where the weight norm is above it.
        weight_decay (float): coefficient of the weight decay added to the gradient.
        eps (float): small value for numerical stability.
    """

    name = 'GradientLARS'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, threshold=1e-2, weight_decay=0.0, eps=1e-9):
        self.threshold = threshold
        self.weight_decay = weight_decay
        self.eps = eps

    def __call__(self, rule, param):
        hp = {'threshold': float(self.threshold), 'weight_decay': float(self.weight_decay),
              'eps': float(self.eps), 'one': 1.0}
        rewrite_grad(gradient_lars_step, hp, param)

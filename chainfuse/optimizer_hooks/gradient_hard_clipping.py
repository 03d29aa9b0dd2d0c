"""GradientHardClipping: clips every gradient element into [lower_bound, upper_bound]."""
from chainfuse.optimizers.step_ops import rewrite_grad


def hard_clip_step(ops, hp, param, grad):
    """``clip(grad, lower, upper)``; a bound missing from `hp` is not applied."""
    if 'lower' in hp:
        grad = ops.maximum(grad, hp['lower'])
    if 'upper' in hp:
        grad = ops.minimum(grad, hp['upper'])
    return grad


class GradientHardClipping:
    """Optimizer hook clipping each gradient element (None leaves that side open).

    Args:
        lower_bound (float): lower bound of the gradient values.
        upper_bound (float): upper bound of the gradient values.
    """

    name = 'GradientHardClipping'
    call_for_each_param = True
    timing = 'pre'

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def __call__(self, rule, param):
        hp = {}
        if self.lower_bound is not None:
            hp['lower'] = float(self.lower_bound)
        if self.upper_bound is not None:
            hp['upper'] = float(self.upper_bound)
        rewrite_grad(hard_clip_step, hp, param)

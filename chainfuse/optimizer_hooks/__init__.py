"""chainfuse.optimizer_hooks: hooks run by an optimizer before (or after) each update.

``optimizer.add_hook(WeightDecay(5e-4))``.  A hook with ``call_for_each_param = True``
is called as ``hook(update_rule, param)`` for each parameter, others as
``hook(optimizer)``; ``timing`` ('pre' or 'post') says when.  Their arithmetic is
written with registry ops (`chainfuse.optimizers.step_ops`), like the update rules.
"""
from chainfuse.optimizer_hooks.weight_decay import WeightDecay  # noqa: F401
from chainfuse.optimizer_hooks.lasso import Lasso  # noqa: F401
from chainfuse.optimizer_hooks.gradient_clipping import GradientClipping  # noqa: F401
from chainfuse.optimizer_hooks.gradient_hard_clipping import GradientHardClipping  # noqa
from chainfuse.optimizer_hooks.gradient_lars import GradientLARS  # noqa: F401
from chainfuse.optimizer_hooks.gradient_noise import (  # noqa: F401
    GradientNoise, exponential_decay_noise)

__all__ = ['WeightDecay', 'Lasso', 'GradientClipping', 'GradientHardClipping', 'GradientLARS',
           'GradientNoise', 'exponential_decay_noise']

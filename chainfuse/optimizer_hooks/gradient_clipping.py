"""GradientClipping: rescales all gradients together so their global L2 norm is at most
`threshold`."""
import numpy

from chainfuse import backend
from chainfuse.config import no_backprop_mode
from chainfuse.core import state as state_module
from chainfuse.core.variable import Variable
from chainfuse.optimizers import step_ops


def clip_rate(ops, hp, grads):
    """``min(threshold / ||grads||_2, 1)`` over all gradients together (a 0-d value)."""
    total = None
    for g in grads:
        s = ops.sum(g * g)
        if total is not None and s.dtype != total.dtype:
            s = ops.astype(s, dtype=total.dtype)
        total = s if total is None else total + s
    return ops.minimum(hp['threshold'] / ops.sqrt(total), hp['one'])


class GradientClipping:
    """Optimizer hook scaling every gradient by ``min(1, threshold / global_norm)``.

    Args:
        threshold (float): L2 norm threshold.
    """

    name = 'GradientClipping'
    timing = 'pre'

    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, opt):
        params = [p for p in opt.target.params(include_uninit=False)
                  if p._grad_var is not None]
        if not params:
            return
        hp = {'threshold': float(self.threshold), 'one': 1.0}
        if step_ops.tracing():
            return self._traced(params, hp)
        grads = [p._grad_var._data for p in params]
        xp = backend.get_array_module(grads[0])
        with numpy.errstate(divide='ignore'):
            rate = clip_rate(step_ops.eager_ops(xp), hp, grads)
        if xp is numpy and rate >= 1:
            return  # nothing to clip: skip the multiplications (no sync on a GPU)
        for g in grads:
            g *= rate.astype(g.dtype, copy=False)

    @staticmethod
    def _traced(params, hp):
        grads = [p._grad_var for p in params]
        xp = backend.get_array_module(grads[0]._data)
        dtype = grads[0]._data.dtype
        with no_backprop_mode():
            hp = {k: Variable(v, requires_grad=False)
                  for k, v in step_ops.hyperparam_arrays(hp, dtype, xp).items()}
            rate = clip_rate(step_ops.TRACED, hp, grads)
            for g in grads:
                r = rate if g.dtype == rate.dtype else step_ops.TRACED.astype(
                    rate, dtype=g.dtype)
                state_module.update_state(g._data, g * r)

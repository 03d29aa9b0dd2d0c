"""Chainer's ``chainer.optimizer`` module: the base classes and the hook names.

Old tutorials write ``optimizer.add_hook(chainer.optimizer.WeightDecay(0.0005))``;
the hooks live in `chainfuse.optimizer_hooks` and are aliased here.  The classes are
defined in `chainfuse.optimizers` (see there for how an update runs).
"""
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy  # noqa
from chainfuse.optimizers.update_rule import UpdateRule  # noqa: F401
from chainfuse.optimizers.gradient_method import GradientMethod, Optimizer  # noqa: F401
from chainfuse.optimizer_hooks import (  # noqa: F401
    GradientClipping, GradientHardClipping, GradientNoise, Lasso, WeightDecay)

__all__ = ['Optimizer', 'GradientMethod', 'UpdateRule', 'Hyperparameter',
           'HyperparameterProxy', 'WeightDecay', 'Lasso', 'GradientClipping',
           'GradientHardClipping', 'GradientNoise']

"""chainfuse.optimizers: gradient methods with Chainer's names, hyperparameters and defaults.

Each optimizer's update is one pure step function written with registry ops (see
`chainfuse.optimizers.step_ops`), so the same code runs eagerly on NumPy/CuPy arrays
and is recorded by the tracer as part of a compiled training step.
"""
from chainfuse.optimizers.hyperparameter import Hyperparameter, HyperparameterProxy  # noqa
from chainfuse.optimizers.update_rule import UpdateRule  # noqa: F401
from chainfuse.optimizers.gradient_method import GradientMethod, Optimizer  # noqa: F401
from chainfuse.optimizers.sgd import SGD, SGDRule  # noqa: F401
from chainfuse.optimizers.momentum_sgd import MomentumSGD, MomentumSGDRule  # noqa: F401
from chainfuse.optimizers.nesterov_ag import NesterovAG, NesterovAGRule  # noqa: F401
from chainfuse.optimizers.ada_grad import AdaGrad, AdaGradRule  # noqa: F401
from chainfuse.optimizers.ada_delta import AdaDelta, AdaDeltaRule  # noqa: F401
from chainfuse.optimizers.rmsprop import RMSprop, RMSpropRule  # noqa: F401
from chainfuse.optimizers.adam import (  # noqa: F401
    AMSBound, AMSGrad, AdaBound, Adam, AdamRule, AdamW)
from chainfuse.optimizers.corrected_momentum_sgd import (  # noqa: F401
    CorrectedMomentumSGD, CorrectedMomentumSGDRule)
from chainfuse.optimizers.msvag import MSVAG, MSVAGRule  # noqa: F401
from chainfuse.optimizers.rmsprop_graves import RMSpropGraves, RMSpropGravesRule  # noqa: F401
from chainfuse.optimizers.smorms3 import SMORMS3, SMORMS3Rule  # noqa: F401

__all__ = ['SGD', 'MomentumSGD', 'NesterovAG', 'AdaGrad', 'AdaDelta', 'RMSprop', 'Adam',
           'AdamW', 'AMSGrad', 'AdaBound', 'AMSBound', 'CorrectedMomentumSGD', 'MSVAG',
           'RMSpropGraves', 'SMORMS3', 'SGDRule', 'CorrectedMomentumSGDRule', 'MSVAGRule',
           'RMSpropGravesRule', 'SMORMS3Rule', 'MomentumSGDRule',
           'NesterovAGRule', 'AdaGradRule', 'AdaDeltaRule', 'RMSpropRule', 'AdamRule',
           'Optimizer', 'GradientMethod', 'UpdateRule', 'Hyperparameter', 'HyperparameterProxy']

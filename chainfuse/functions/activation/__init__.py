from chainfuse.functions.activation.clipped_relu import clipped_relu, relu6
from chainfuse.functions.activation.crelu import crelu
from chainfuse.functions.activation.elu import elu, selu
from chainfuse.functions.activation.gelu import gelu
from chainfuse.functions.activation.leaky_relu import leaky_relu
from chainfuse.functions.activation.log_softmax import log_softmax
from chainfuse.functions.activation.maxout import maxout
from chainfuse.functions.activation.prelu import prelu
from chainfuse.functions.activation.relu import relu
from chainfuse.functions.activation.rrelu import rrelu
from chainfuse.functions.activation.sigmoid import hard_sigmoid, sigmoid
from chainfuse.functions.activation.softmax import softmax
from chainfuse.functions.activation.softplus import softplus
from chainfuse.functions.activation.swish import silu, swish
from chainfuse.functions.activation.tanh import tanh

__all__ = ['clipped_relu', 'crelu', 'elu', 'gelu', 'hard_sigmoid', 'leaky_relu', 'log_softmax',
           'maxout', 'prelu', 'relu', 'relu6', 'rrelu', 'selu', 'sigmoid', 'silu', 'softmax',
           'softplus', 'swish', 'tanh']

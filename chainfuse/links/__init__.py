"""chainfuse.links (imported as L): Link, Chain, ChainList, Sequential and the layers.

Names follow Chainer's ``chainer.links``; each layer computes with the matching
``chainfuse.functions`` function (Linear with F.linear, ...).
"""
from chainfuse.links.link import Chain, ChainList, DeviceMismatchError, Link  # noqa: F401
from chainfuse.links.sequential import Sequential  # noqa: F401
from chainfuse.links.connection import (  # noqa: F401
    LSTM, Bias, Convolution2D, Deconvolution2D, EmbedID, Linear, Maxout, Scale)
from chainfuse.links.normalization import (  # noqa: F401
    BatchNormalization, LayerNormalization)
from chainfuse.links.model import Classifier  # noqa: F401
from chainfuse.links.connection.lstm import StatelessLSTM  # noqa: F401
from chainfuse.links.rnn import *  # noqa: F401,F403
from chainfuse.links import rnn as _rnn

__all__ = ['Link', 'Chain', 'ChainList', 'Sequential', 'DeviceMismatchError', 'Linear',
           'Convolution2D', 'Deconvolution2D', 'EmbedID', 'Bias', 'Scale', 'Maxout', 'LSTM',
           'BatchNormalization', 'LayerNormalization', 'Classifier', 'StatelessLSTM']
__all__ += _rnn.__all__

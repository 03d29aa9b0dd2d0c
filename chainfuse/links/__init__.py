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
from chainfuse.links import activation as _activation
from chainfuse.links import connection as _connection
from chainfuse.links import loss as _loss
from chainfuse.links.model.vision import (  # noqa: F401
    GoogLeNet, ResNet101Layers, ResNet152Layers, ResNet50Layers, VGG16Layers, VGG19Layers)
from chainfuse.links.loss import (  # noqa: F401
    BinaryHierarchicalSoftmax, BlackOut, CRF1d, NegativeSampling)
from chainfuse.links.activation import PReLU, SimplifiedDropconnect, Swish  # noqa: F401
from chainfuse.links.normalization import (  # noqa: F401
    BatchRenormalization, DecorrelatedBatchNormalization, GroupNormalization)
from chainfuse.links import rnn as _rnn
from chainfuse.links.connection import (  # noqa: F401
    Bilinear, Convolution1D, Convolution3D, ConvolutionND, Deconvolution1D, Deconvolution3D,
    DeformableConvolution2D,
    DeconvolutionND, DepthwiseConvolution2D, DilatedConvolution2D, Highway, Inception,
    InceptionBN, LocalConvolution2D, MLPConvolution2D, Parameter)

__all__ = ['Link', 'Chain', 'ChainList', 'Sequential', 'DeviceMismatchError', 'Linear',
           'Convolution2D', 'Deconvolution2D', 'EmbedID', 'Bias', 'Scale', 'Maxout', 'LSTM',
           'BatchNormalization', 'LayerNormalization', 'Classifier', 'StatelessLSTM']
__all__ += _rnn.__all__ + _connection.NEW + _activation.__all__ + [
    'BatchRenormalization', 'DecorrelatedBatchNormalization', 'GroupNormalization'
] + _loss.__all__ + [
    'GoogLeNet', 'ResNet50Layers', 'ResNet101Layers', 'ResNet152Layers', 'VGG16Layers',
    'VGG19Layers']

"""GoogLeNet (Szegedy et al.) as Chainer builds it, auxiliary classifiers included."""
import collections

from chainfuse import initializers
from chainfuse.functions.activation.relu import relu
from chainfuse.functions.activation.softmax import softmax
from chainfuse.functions.noise.dropout import dropout
from chainfuse.functions.normalization.local_response_normalization import (
    local_response_normalization)
from chainfuse.functions.pooling.average_pooling_2d import average_pooling_2d
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.connection.inception import Inception
from chainfuse.links.connection.linear import Linear
from chainfuse.links.model.vision._base import ImageModel, load_pretrained


def _max_pool(x):
    return max_pooling_2d(x, ksize=3, stride=2)


def _lrn(x):
    return local_response_normalization(x, n=5, k=1, alpha=1e-4 / 5)


def _avg_k5(x):
    return average_pooling_2d(x, ksize=5, stride=3)


def _avg_k7(x):
    return average_pooling_2d(x, ksize=7, stride=1)


def _drop(x):
    return dropout(x, ratio=0.4)


class GoogLeNet(ImageModel):
    """``GoogLeNet(pretrained_model=None)``; layers conv1 .. inception_5b, pool5,
    loss3_fc, prob and the auxiliary loss1_fc2 (from inception_4a) and loss2_fc2 (from
    inception_4d)."""

    mean = (104.0, 117.0, 123.0)

    def __init__(self, pretrained_model=None):
        super().__init__()
        init = initializers.Zero() if pretrained_model else initializers.LeCunUniform(1.0)
        kw = dict(initialW=init)
        with self.init_scope():
            self.conv1 = Convolution2D(3, 64, 7, stride=2, pad=3, **kw)
            self.conv2_reduce = Convolution2D(64, 64, 1, **kw)
            self.conv2 = Convolution2D(64, 192, 3, stride=1, pad=1, **kw)
            self.inc3a = Inception(192, 64, 96, 128, 16, 32, 32)
            self.inc3b = Inception(256, 128, 128, 192, 32, 96, 64)
            self.inc4a = Inception(480, 192, 96, 208, 16, 48, 64)
            self.inc4b = Inception(512, 160, 112, 224, 24, 64, 64)
            self.inc4c = Inception(512, 128, 128, 256, 24, 64, 64)
            self.inc4d = Inception(512, 112, 144, 288, 32, 64, 64)
            self.inc4e = Inception(528, 256, 160, 320, 32, 128, 128)
            self.inc5a = Inception(832, 256, 160, 320, 32, 128, 128)
            self.inc5b = Inception(832, 384, 192, 384, 48, 128, 128)
            self.loss3_fc = Linear(1024, 1000, **kw)
            self.loss1_conv = Convolution2D(512, 128, 1, **kw)
            self.loss1_fc1 = Linear(2048, 1024, **kw)
            self.loss1_fc2 = Linear(1024, 1000, **kw)
            self.loss2_conv = Convolution2D(528, 128, 1, **kw)
            self.loss2_fc1 = Linear(2048, 1024, **kw)
            self.loss2_fc2 = Linear(1024, 1000, **kw)
        load_pretrained(self, pretrained_model, 'GoogLeNet')

    @property
    def functions(self):
        return collections.OrderedDict([
            ('conv1', [self.conv1, relu]),
            ('pool1', [_max_pool, _lrn]),
            ('conv2_reduce', [self.conv2_reduce, relu]),
            ('conv2', [self.conv2, relu, _lrn]),
            ('pool2', [_max_pool]),
            ('inception_3a', [self.inc3a]),
            ('inception_3b', [self.inc3b]),
            ('pool3', [_max_pool]),
            ('inception_4a', [self.inc4a]),
            ('inception_4b', [self.inc4b]),
            ('inception_4c', [self.inc4c]),
            ('inception_4d', [self.inc4d]),
            ('inception_4e', [self.inc4e]),
            ('pool4', [_max_pool]),
            ('inception_5a', [self.inc5a]),
            ('inception_5b', [self.inc5b]),
            ('pool5', [_avg_k7]),
            ('loss3_fc', [_drop, self.loss3_fc]),
            ('prob', [softmax]),
            ('loss1_fc2', [_avg_k5, self.loss1_conv, relu, self.loss1_fc1, relu,
                           self.loss1_fc2]),
            ('loss2_fc2', [_avg_k5, self.loss2_conv, relu, self.loss2_fc1, relu,
                           self.loss2_fc2]),
        ])

    def forward(self, x, layers=None, **kwargs):
        if kwargs:
            return super().forward(x, layers, **kwargs)
        layers = ['prob'] if layers is None else list(layers)
        # the auxiliary classifiers start again from inception_4a / inception_4d
        return self._run(x, layers, caches={'loss1_fc2': 'inception_4a',
                                            'loss2_fc2': 'inception_4d'})

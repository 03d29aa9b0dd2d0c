"""ResNet-50/101/152 (He et al.) as Chainer builds them (parameter names included)."""
import collections

from chainfuse import initializers
from chainfuse.functions.activation.relu import relu
from chainfuse.functions.activation.softmax import softmax
from chainfuse.functions.array.reshape import reshape
from chainfuse.functions.pooling.average_pooling_2d import average_pooling_2d
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain
from chainfuse.links.model.vision._base import ImageModel, load_pretrained
from chainfuse.links.normalization.batch_normalization import BatchNormalization

_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


class BottleneckA(Chain):
    """The first bottleneck of a stage: 1x1, 3x3, 1x1 convolutions beside a projection
    shortcut (conv4); ``downsample_fb`` puts the stride on the 3x3 (Facebook's)."""

    def __init__(self, in_channels, mid_channels, out_channels, stride=2, initialW=None,
                 downsample_fb=False):
        super().__init__()
        s1, s3 = (1, stride) if downsample_fb else (stride, 1)
        kw = dict(initialW=initialW, nobias=True)
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, mid_channels, 1, s1, 0, **kw)
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(mid_channels, mid_channels, 3, s3, 1, **kw)
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(mid_channels, out_channels, 1, 1, 0, **kw)
            self.bn3 = BatchNormalization(out_channels)
            self.conv4 = Convolution2D(in_channels, out_channels, 1, stride, 0, **kw)
            self.bn4 = BatchNormalization(out_channels)

    def forward(self, x):
        h = relu(self.bn1(self.conv1(x)))
        h = relu(self.bn2(self.conv2(h)))
        return relu(self.bn3(self.conv3(h)) + self.bn4(self.conv4(x)))


class BottleneckB(Chain):
    """A bottleneck with an identity shortcut."""

    def __init__(self, in_channels, mid_channels, initialW=None):
        super().__init__()
        kw = dict(initialW=initialW, nobias=True)
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, mid_channels, 1, 1, 0, **kw)
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(mid_channels, mid_channels, 3, 1, 1, **kw)
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(mid_channels, in_channels, 1, 1, 0, **kw)
            self.bn3 = BatchNormalization(in_channels)

    def forward(self, x):
        h = relu(self.bn1(self.conv1(x)))
        h = relu(self.bn2(self.conv2(h)))
        return relu(self.bn3(self.conv3(h)) + x)


class BuildingBlock(Chain):
    """One stage: a BottleneckA ``a`` then n_layers - 1 BottleneckB ``b1``, ``b2``..."""

    def __init__(self, n_layers=None, in_channels=None, mid_channels=None,
                 out_channels=None, stride=None, initialW=None, downsample_fb=None):
        super().__init__()
        with self.init_scope():
            self.a = BottleneckA(in_channels, mid_channels, out_channels, stride, initialW,
                                 downsample_fb)
            self._forward = ['a']
            for i in range(n_layers - 1):
                setattr(self, f'b{i + 1}', BottleneckB(out_channels, mid_channels, initialW))
                self._forward.append(f'b{i + 1}')

    def forward(self, x):
        for name in self._forward:
            x = getattr(self, name)(x)
        return x


def _global_average_pooling_2d(x):
    n, channels, rows, cols = x.shape
    return reshape(average_pooling_2d(x, (rows, cols), stride=1), (n, channels))


class ResNetLayers(ImageModel):
    """``ResNetLayers(pretrained_model, n_layers, downsample_fb=False)`` (n_layers 50,
    101 or 152); layers conv1, pool1, res2 .. res5, pool5, fc6, prob."""

    mean = (103.063, 115.903, 123.152)

    def __init__(self, pretrained_model, n_layers, downsample_fb=False):
        super().__init__()
        if n_layers not in _BLOCKS:
            raise ValueError(f'ResNetLayers: n_layers must be 50, 101 or 152, got {n_layers}')
        init = initializers.Zero() if pretrained_model else initializers.HeNormal(scale=1.0)
        block = _BLOCKS[n_layers]
        kw = dict(initialW=init, downsample_fb=downsample_fb)
        with self.init_scope():
            self.conv1 = Convolution2D(3, 64, 7, 2, 3, initialW=init)
            self.bn1 = BatchNormalization(64)
            self.res2 = BuildingBlock(block[0], 64, 64, 256, 1, **kw)
            self.res3 = BuildingBlock(block[1], 256, 128, 512, 2, **kw)
            self.res4 = BuildingBlock(block[2], 512, 256, 1024, 2, **kw)
            self.res5 = BuildingBlock(block[3], 1024, 512, 2048, 2, **kw)
            self.fc6 = Linear(2048, 1000)
        load_pretrained(self, pretrained_model, type(self).__name__)

    @property
    def functions(self):
        return collections.OrderedDict([
            ('conv1', [self.conv1, self.bn1, relu]),
            ('pool1', [lambda x: max_pooling_2d(x, ksize=3, stride=2)]),
            ('res2', [self.res2]),
            ('res3', [self.res3]),
            ('res4', [self.res4]),
            ('res5', [self.res5]),
            ('pool5', [_global_average_pooling_2d]),
            ('fc6', [self.fc6]),
            ('prob', [softmax]),
        ])


class ResNet50Layers(ResNetLayers):
    """ResNet-50 (``pretrained_model=None``: random weights; see `_base`)."""

    def __init__(self, pretrained_model=None, downsample_fb=False):
        super().__init__(pretrained_model, 50, downsample_fb)


class ResNet101Layers(ResNetLayers):
    """ResNet-101."""

    def __init__(self, pretrained_model=None, downsample_fb=False):
        super().__init__(pretrained_model, 101, downsample_fb)


class ResNet152Layers(ResNetLayers):
    """ResNet-152."""

    def __init__(self, pretrained_model=None, downsample_fb=False):
        super().__init__(pretrained_model, 152, downsample_fb)

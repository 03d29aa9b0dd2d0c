"""VGG-16/19 (Simonyan and Zisserman) as Chainer builds them."""
import collections

from chainfuse import initializers
from chainfuse.functions.activation.relu import relu
from chainfuse.functions.activation.softmax import softmax
from chainfuse.functions.noise.dropout import dropout
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.connection.linear import Linear
from chainfuse.links.model.vision._base import ImageModel, load_pretrained

_WIDTHS = ((1, 64, 2), (2, 128, 2), (3, 256, 3), (4, 512, 3), (5, 512, 3))


def _pool(x):
    return max_pooling_2d(x, ksize=2)


class VGGLayers(ImageModel):
    """``VGGLayers(pretrained_model=None, n_layers=16)``: convolutions conv1_1 ..
    conv5_3 (conv3_4, conv4_4, conv5_4 too for 19 layers), fc6, fc7, fc8; layers
    conv*, pool1 .. pool5, fc6, fc7, fc8, prob (224x224 inputs)."""

    mean = (103.939, 116.779, 123.68)
    default_extract_layers = ('fc7',)

    def __init__(self, pretrained_model=None, n_layers=16):
        super().__init__()
        if n_layers not in (16, 19):
            raise ValueError(f'VGGLayers: n_layers must be 16 or 19, got {n_layers}')
        if pretrained_model:
            kw = dict(initialW=initializers.Zero(), initial_bias=initializers.Zero())
        else:
            kw = dict(initialW=initializers.Normal(0.01), initial_bias=initializers.Zero())
        self.n_layers = n_layers
        with self.init_scope():
            in_ch = 3
            for stage, width, count in _WIDTHS:
                for k in range(1, count + 1):
                    setattr(self, f'conv{stage}_{k}', Convolution2D(in_ch, width, 3, 1, 1, **kw))
                    in_ch = width
            self.fc6 = Linear(512 * 7 * 7, 4096, **kw)
            self.fc7 = Linear(4096, 4096, **kw)
            self.fc8 = Linear(4096, 1000, **kw)
            if n_layers == 19:
                self.conv3_4 = Convolution2D(256, 256, 3, 1, 1, **kw)
                self.conv4_4 = Convolution2D(512, 512, 3, 1, 1, **kw)
                self.conv5_4 = Convolution2D(512, 512, 3, 1, 1, **kw)
        load_pretrained(self, pretrained_model, type(self).__name__)

    @property
    def functions(self):
        layers = []
        extra = 1 if self.n_layers == 19 else 0
        for stage, _, count in _WIDTHS:
            n = count + (extra if stage >= 3 else 0)
            for k in range(1, n + 1):
                layers.append((f'conv{stage}_{k}', [getattr(self, f'conv{stage}_{k}'), relu]))
            layers.append((f'pool{stage}', [_pool]))
        layers += [('fc6', [self.fc6, relu, dropout]), ('fc7', [self.fc7, relu, dropout]),
                   ('fc8', [self.fc8]), ('prob', [softmax])]
        return collections.OrderedDict(layers)


class VGG16Layers(VGGLayers):
    """VGG-16 (``pretrained_model=None``: random weights; see `_base`)."""

    def __init__(self, pretrained_model=None):
        super().__init__(pretrained_model, 16)


class VGG19Layers(VGGLayers):
    """VGG-19."""

    def __init__(self, pretrained_model=None):
        super().__init__(pretrained_model, 19)

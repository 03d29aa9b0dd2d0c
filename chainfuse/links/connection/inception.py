from chainfuse import functions as F
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.link import Chain


class Inception(Chain):
    """GoogLeNet's inception module: ``Inception(in_channels, out1, proj3, out3, proj5,
    out5, proj_pool, conv_init=None, bias_init=None)``; 1x1, 3x3 and 5x5 branches (the
    latter two after 1x1 projections) and a 3x3 max-pool branch, concatenated and
    rectified."""

    def __init__(self, in_channels, out1, proj3, out3, proj5, out5, proj_pool,
                 conv_init=None, bias_init=None):
        super().__init__()
        kw = dict(initialW=conv_init, initial_bias=bias_init)
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, out1, 1, **kw)
            self.proj3 = Convolution2D(in_channels, proj3, 1, **kw)
            self.conv3 = Convolution2D(proj3, out3, 3, pad=1, **kw)
            self.proj5 = Convolution2D(in_channels, proj5, 1, **kw)
            self.conv5 = Convolution2D(proj5, out5, 5, pad=2, **kw)
            self.projp = Convolution2D(in_channels, proj_pool, 1, **kw)

    def forward(self, x):
        out1 = self.conv1(x)
        out3 = self.conv3(F.relu(self.proj3(x)))
        out5 = self.conv5(F.relu(self.proj5(x)))
        pool = self.projp(F.max_pooling_2d(x, 3, stride=1, pad=1))
        return F.relu(F.concat((out1, out3, out5, pool), axis=1))

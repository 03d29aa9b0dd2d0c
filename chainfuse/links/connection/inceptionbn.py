from chainfuse import functions as F
from chainfuse.links.connection.convolution_2d import Convolution2D
from chainfuse.links.link import Chain
from chainfuse.links.normalization.batch_normalization import BatchNormalization


class InceptionBN(Chain):
    """Inception module with batch normalization (Ioffe and Szegedy):
    ``InceptionBN(in_channels, out1, proj3, out3, proj33, out33, pooltype,
    proj_pool=None, stride=1, conv_init=None, dtype=None)``; pooltype 'max' or 'avg'."""

    def __init__(self, in_channels, out1, proj3, out3, proj33, out33, pooltype,
                 proj_pool=None, stride=1, conv_init=None, dtype=None):
        super().__init__()
        if pooltype not in ('max', 'avg'):
            raise NotImplementedError(f"InceptionBN: pooltype must be 'max' or 'avg', got "
                                      f'{pooltype!r}')
        if out1 > 0 and (stride != 1 or proj_pool is None):
            raise ValueError('InceptionBN: out1 > 0 needs stride 1 and a proj_pool')
        self.out1, self.proj_pool, self.stride, self.pooltype = out1, proj_pool, stride, \
            pooltype
        kw = dict(nobias=True, initialW=conv_init)
        with self.init_scope():
            self.proj3 = Convolution2D(in_channels, proj3, 1, **kw)
            self.conv3 = Convolution2D(proj3, out3, 3, pad=1, stride=stride, **kw)
            self.proj33 = Convolution2D(in_channels, proj33, 1, **kw)
            self.conv33a = Convolution2D(proj33, out33, 3, pad=1, **kw)
            self.conv33b = Convolution2D(out33, out33, 3, pad=1, stride=stride, **kw)
            self.proj3n = BatchNormalization(proj3, dtype=dtype)
            self.conv3n = BatchNormalization(out3, dtype=dtype)
            self.proj33n = BatchNormalization(proj33, dtype=dtype)
            self.conv33an = BatchNormalization(out33, dtype=dtype)
            self.conv33bn = BatchNormalization(out33, dtype=dtype)
            if out1 > 0:
                self.conv1 = Convolution2D(in_channels, out1, 1, stride=stride, **kw)
                self.conv1n = BatchNormalization(out1, dtype=dtype)
            if proj_pool is not None:
                self.poolp = Convolution2D(in_channels, proj_pool, 1, **kw)
                self.poolpn = BatchNormalization(proj_pool, dtype=dtype)

    def forward(self, x):
        outs = []
        if self.out1 > 0:
            outs.append(F.relu(self.conv1n(self.conv1(x))))
        h3 = F.relu(self.proj3n(self.proj3(x)))
        outs.append(F.relu(self.conv3n(self.conv3(h3))))
        h33 = F.relu(self.proj33n(self.proj33(x)))
        h33 = F.relu(self.conv33an(self.conv33a(h33)))
        outs.append(F.relu(self.conv33bn(self.conv33b(h33))))
        if self.pooltype == 'max':
            p = F.max_pooling_2d(x, 3, stride=self.stride, pad=1, cover_all=False)
        else:
            p = F.average_pooling_2d(x, 3, stride=self.stride, pad=1)
        if self.proj_pool is not None:
            p = F.relu(self.poolpn(self.poolp(p)))
        outs.append(p)
        return F.concat(outs, axis=1)

"""Convolution and max pooling for the ``numpy`` baseline (preallocated, in place).

Convolution (stride 1, no padding) is im2col + one matmul: the windows of x, a
``sliding_window_view``, are copied once into a (N, oh, ow, C, k, k) buffer, so
the forward is ``col @ W^T``, the weight gradient ``gy^T @ col`` and the input
gradient ``gy @ W`` scattered back window offset by window offset (k * k adds).
Max pooling takes the maximum of the k * k strided views of x; its backward gives
each output's gradient to the first maximal element in row-major window order, as
Chainer's argmax does.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks.adapters.numpy_layers import Weighted


class Conv(Weighted):
    """A stride-1 unpadded convolution, W (out, in, k, k), by im2col (module doc)."""

    def _alloc(self, x):
        n, c, h, w = x.shape
        o, _, k, _ = self.W.shape
        oh, ow = h - k + 1, w - k + 1
        self.col = np.empty((n, oh, ow, c, k, k), np.float32)
        self.ym = np.empty((n * oh * ow, o), np.float32)
        self.y = np.empty((n, o, oh, ow), np.float32)
        self.gyt = np.empty((n, oh, ow, o), np.float32)
        if self.need_gx:
            self.gcol = np.empty((n * oh * ow, c * k * k), np.float32)
            self.gx = np.empty(x.shape, np.float32)

    def forward(self, x):
        if self.y is None:
            self._alloc(x)
        k = self.W.shape[2]
        np.copyto(self.col, sliding_window_view(x, (k, k), axis=(2, 3)).transpose(
            0, 2, 3, 1, 4, 5))
        colm = self.col.reshape(self.ym.shape[0], -1)
        np.matmul(colm, self.W.reshape(self.W.shape[0], -1).T, out=self.ym)
        n, o, oh, ow = self.y.shape
        np.add(self.ym.reshape(n, oh, ow, o).transpose(0, 3, 1, 2), self.b[:, None, None],
               out=self.y)
        return self.y

    def backward(self, gy):
        o = self.W.shape[0]
        np.copyto(self.gyt, gy.transpose(0, 2, 3, 1))
        gym = self.gyt.reshape(-1, o)
        colm = self.col.reshape(gym.shape[0], -1)
        np.matmul(gym.T, colm, out=self.gW.reshape(o, -1))
        np.sum(gym, axis=0, out=self.gb)
        if not self.need_gx:
            return None
        np.matmul(gym, self.W.reshape(o, -1), out=self.gcol)
        self._col2im()
        return self.gx

    def _col2im(self):
        n, oh, ow, c, k, _ = self.col.shape
        gcol = self.gcol.reshape(n, oh, ow, c, k, k)
        gx = self.gx
        gx.fill(0)
        for i in range(k):
            for j in range(k):
                gx[:, :, i:i + oh, j:j + ow] += gcol[:, :, :, :, i, j].transpose(0, 3, 1, 2)


class MaxPool:
    def __init__(self, k, stride):
        self.k, self.s = k, stride
        self.y = None

    def params(self):
        return []

    def _views(self, a, oh, ow):
        s = self.s
        return [a[:, :, i:i + s * (oh - 1) + 1:s, j:j + s * (ow - 1) + 1:s]
                for i in range(self.k) for j in range(self.k)]

    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = (h - self.k) // self.s + 1, (w - self.k) // self.s + 1
        if self.y is None:
            self.y = np.empty((n, c, oh, ow), np.float32)
            self.eq = np.empty((n, c, oh, ow), bool)
            self.taken = np.empty((n, c, oh, ow), bool)
            self.free = np.empty((n, c, oh, ow), bool)
            self.g = np.empty((n, c, oh, ow), np.float32)
            self.gx = np.empty(x.shape, np.float32)
        self.x = x
        views = self._views(x, oh, ow)
        np.copyto(self.y, views[0])
        for v in views[1:]:
            np.maximum(self.y, v, out=self.y)
        return self.y

    def backward(self, gy):
        oh, ow = self.y.shape[2:]
        eq, taken, free, g = self.eq, self.taken, self.free, self.g
        self.gx.fill(0)
        taken.fill(False)
        for v, gv in zip(self._views(self.x, oh, ow), self._views(self.gx, oh, ow)):
            np.equal(v, self.y, out=eq)
            np.logical_not(taken, out=free)
            eq &= free                       # only the first maximum of each window
            taken |= eq
            np.multiply(gy, eq, out=g)
            gv += g
        return self.gx

"""Hand-written NumPy layers for the ``numpy`` baseline: preallocated, in place.

Every layer allocates its buffers on the first call (the batch never changes) and
from then on only writes into them (``out=``, ``np.matmul(..., out=...)``,
in-place operators), so a training step allocates almost nothing.  A layer's
``forward(x)`` returns a buffer it owns; ``backward(gy)`` may overwrite `gy` and
returns the gradient of its input (or None when it is not needed).  Activations
work in place on the previous layer's output, which no backward rule reads.
"""
import numpy as np

from benchmarks.specs import GELU_A, GELU_C


class Weighted:
    """A layer with a weight W and a bias b, their gradient buffers, and the output
    buffer `y` allocated at the first call."""

    def __init__(self, W, b, need_gx=True):
        self.W, self.b = W, b
        self.gW, self.gb = np.empty_like(W), np.empty_like(b)
        self.need_gx = need_gx
        self.y = None

    def params(self):
        return [(self.W, self.gW), (self.b, self.gb)]


class Linear(Weighted):
    """``y = x W^T + b`` with W of shape (out, in), Chainer's layout."""

    def forward(self, x):
        if self.y is None:
            self.y = np.empty((x.shape[0], self.W.shape[0]), np.float32)
            self.gx = np.empty(x.shape, np.float32)
        self.x = x
        np.matmul(x, self.W.T, out=self.y)
        self.y += self.b
        return self.y

    def backward(self, gy):
        np.matmul(gy.T, self.x, out=self.gW)
        np.sum(gy, axis=0, out=self.gb)
        if not self.need_gx:
            return None
        np.matmul(gy, self.W, out=self.gx)
        return self.gx


class ReLU:
    def params(self):
        return []

    def forward(self, x):
        if getattr(self, 'mask', None) is None:
            self.mask = np.empty(x.shape, bool)
        np.greater(x, 0, out=self.mask)
        np.maximum(x, 0, out=x)
        return x

    def backward(self, gy):
        np.multiply(gy, self.mask, out=gy)
        return gy


class Tanh:
    def params(self):
        return []

    def forward(self, x):
        if getattr(self, 's', None) is None:
            self.s = np.empty(x.shape, np.float32)
        self.y = np.tanh(x, out=x)
        return self.y

    def backward(self, gy):
        s = self.s
        np.multiply(self.y, self.y, out=s)
        np.subtract(1, s, out=s)
        np.multiply(gy, s, out=gy)
        return gy


class GeluTanh:
    """``0.5 x (1 + tanh(c (x + a x^3)))``; the backward reuses the saved tanh."""

    def params(self):
        return []

    def forward(self, x):
        if getattr(self, 'y', None) is None:
            self.y, self.th, self.s = (np.empty(x.shape, np.float32) for _ in range(3))
        self.x = x
        th, y = self.th, self.y
        np.multiply(x, x, out=th)
        th *= GELU_A
        th += 1
        th *= x
        th *= GELU_C
        np.tanh(th, out=th)                  # tanh(c (x + a x^3))
        np.add(th, 1, out=y)
        y *= x
        y *= 0.5
        return y

    def backward(self, gy):
        # d/dx = 0.5 (1 + th) + 0.5 x (1 - th^2) c (1 + 3 a x^2)
        x, th, s = self.x, self.th, self.s
        np.multiply(x, x, out=s)
        s *= 3 * GELU_A
        s += 1
        s *= x
        s *= 0.5 * GELU_C
        np.multiply(th, th, out=self.y)      # y is free now: 1 - th^2 goes there
        np.subtract(1, self.y, out=self.y)
        s *= self.y
        s += 0.5
        np.multiply(th, 0.5, out=self.y)
        s += self.y
        np.multiply(gy, s, out=gy)
        return gy


class Flatten:
    def params(self):
        return []

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, gy):
        return gy.reshape(self.shape)


class SoftmaxCrossEntropy:
    """Mean softmax cross entropy; `forward` also leaves d loss / d y in ``self.gy``.

    Log-softmax followed by the mean negative log-likelihood is the same function,
    so both loss kinds of the specs use this code.
    """

    def forward(self, y, t):
        if getattr(self, 'gy', None) is None:
            n = y.shape[0]
            self.gy = np.empty_like(y)
            self.m = np.empty((n, 1), np.float32)
            self.sum = np.empty((n, 1), np.float32)
            self.rows = np.arange(n)
        gy, m, s = self.gy, self.m, self.sum
        np.max(y, axis=1, keepdims=True, out=m)
        np.subtract(y, m, out=gy)
        picked = gy[self.rows, t]              # y[t] - max, a small fresh array
        np.exp(gy, out=gy)
        np.sum(gy, axis=1, keepdims=True, out=s)
        gy /= s
        loss = float(np.mean(np.log(s[:, 0]) - picked))
        gy[self.rows, t] -= 1
        gy *= 1.0 / y.shape[0]
        return loss

"""The LSTM net of the specs for the ``numpy`` baseline, with hand-written BPTT.

Forward, per step s: ``xh = [x_s, h]``, ``z = xh W^T + b``, gates ``i, f, o`` =
sigmoid and ``g`` = tanh of the four column blocks, ``c = f c + i g``,
``h = o tanh(c)``.  Every per-step value lives in a preallocated (steps, ...)
buffer, so the backward walks them in reverse without recomputing anything.
"""
import numpy as np


class LSTMNet:
    def __init__(self, params, net, batch):
        self.W, self.b = params['gates/W'], params['gates/b']
        self.Wo, self.bo = params['out/W'], params['out/b']
        self.grads = [np.empty_like(a) for a in (self.W, self.b, self.Wo, self.bo)]
        self.n_in, self.n, self.steps = net['n_in'], net['n_hidden'], net['steps']
        self._alloc(batch)

    def params(self):
        return list(zip((self.W, self.b, self.Wo, self.bo), self.grads))

    def _alloc(self, batch):
        S, N, n, e = self.steps, batch, self.n, np.empty
        self.xh = e((S, N, self.n_in + n), np.float32)
        self.act = e((S, N, 4 * n), np.float32)      # sigmoid(i f o), tanh(g)
        self.c = np.zeros((S + 1, N, n), np.float32)  # c[0] = 0
        self.tc = e((S, N, n), np.float32)
        self.y = e((N, self.Wo.shape[0]), np.float32)
        self.dz = e((N, 4 * n), np.float32)
        self.dxh = e((N, self.n_in + n), np.float32)
        self.dh, self.dc, self.tmp = (e((N, n), np.float32) for _ in range(3))
        self.gW_step = np.empty_like(self.W)

    def forward(self, x):
        n, k = self.n, self.n_in
        self.xh[0][:, k:] = 0                  # h starts at zero; later h's are
        for s in range(self.steps):            # written into xh[s + 1] directly
            xh, a = self.xh[s], self.act[s]
            xh[:, :k] = x[:, s]
            np.matmul(xh, self.W.T, out=a)
            a += self.b
            sig = a[:, :3 * n]                 # sigmoid(z) = 0.5 tanh(z / 2) + 0.5
            sig *= 0.5
            np.tanh(sig, out=sig)
            sig *= 0.5
            sig += 0.5
            np.tanh(a[:, 3 * n:], out=a[:, 3 * n:])
            i, f, o, g = a[:, :n], a[:, n:2 * n], a[:, 2 * n:3 * n], a[:, 3 * n:]
            c = self.c[s + 1]
            np.multiply(f, self.c[s], out=c)
            np.multiply(i, g, out=self.tmp)
            c += self.tmp
            np.tanh(c, out=self.tc[s])
            h = self.hbuf(s)
            np.multiply(o, self.tc[s], out=h)
        self.h_last = h
        np.matmul(h, self.Wo.T, out=self.y)
        self.y += self.bo
        return self.y

    def hbuf(self, s):
        """h of step s lives in the h part of the next step's xh (or its own buffer)."""
        if s + 1 < self.steps:
            return self.xh[s + 1][:, self.n_in:]
        if not hasattr(self, '_h_last'):
            self._h_last = np.empty((self.xh.shape[1], self.n), np.float32)
        return self._h_last

    def backward(self, gy):
        gW, gb, gWo, gbo = self.grads
        np.matmul(gy.T, self.h_last, out=gWo)
        np.sum(gy, axis=0, out=gbo)
        np.matmul(gy, self.Wo, out=self.dh)
        self.dc.fill(0)
        gW.fill(0)
        gb.fill(0)
        for s in reversed(range(self.steps)):
            self._backward_step(s)
            np.matmul(self.dz.T, self.xh[s], out=self.gW_step)
            gW += self.gW_step
            gb += self.dz.sum(axis=0)
            np.matmul(self.dz, self.W, out=self.dxh)
            np.copyto(self.dh, self.dxh[:, self.n_in:])

    def _backward_step(self, s):
        n, a, dz, dh, dc, t = self.n, self.act[s], self.dz, self.dh, self.dc, self.tmp
        i, f, o, g = a[:, :n], a[:, n:2 * n], a[:, 2 * n:3 * n], a[:, 3 * n:]
        tc = self.tc[s]
        di, df, do, dg = dz[:, :n], dz[:, n:2 * n], dz[:, 2 * n:3 * n], dz[:, 3 * n:]
        np.multiply(dh, tc, out=do)            # d o
        np.multiply(tc, tc, out=t)
        np.subtract(1, t, out=t)
        t *= o
        t *= dh
        dc += t                                # dc += dh o (1 - tanh(c)^2)
        np.multiply(dc, g, out=di)
        np.multiply(dc, i, out=dg)
        np.multiply(dc, self.c[s], out=df)
        dc *= f                                # dc of the previous step
        for d, y in ((di, i), (df, f), (do, o)):   # sigmoid' = y (1 - y)
            np.subtract(1, y, out=t)
            t *= y
            d *= t
        np.multiply(g, g, out=t)               # tanh' = 1 - y^2
        np.subtract(1, t, out=t)
        dg *= t

"""Tree-structured LSTMs (Tai et al.; Chainer's ChildSumTreeLSTM and NaryTreeLSTM),
computed with ``F.tree_lstm``.  Children's c and h may be None (zeros); x may be None
(zeros) when some state gives the batch size."""
from chainfuse import functions as F
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


def _zero_input(link, cs, hs, x):
    if x is not None:
        return x
    known = [v for v in tuple(cs) + tuple(hs) if v is not None]
    if not known:
        raise ValueError(f'{type(link).__name__}: all inputs (cs, hs, x) are None')
    return link.xp.zeros((known[0].shape[0], link.in_size), dtype=known[0].dtype)


def _pad_zero_nodes(link, vs, shape, dtype):
    if any(v is None for v in vs):
        zero = link.xp.zeros(shape, dtype=dtype)
        return tuple(zero if v is None else v for v in vs)
    return tuple(vs)


class ChildSumTreeLSTM(Chain):
    """``c, h = link(c_1, ..., c_n, h_1, ..., h_n, x)``: the children's states are summed
    for a, i, o and each child has its own forget gate.  Children W_x (in -> 4 out),
    W_h_aio (out -> 3 out, no bias), W_h_f (out -> out, no bias)."""

    def __init__(self, in_size, out_size):
        super().__init__()
        with self.init_scope():
            self.W_x = Linear(in_size, 4 * out_size)
            self.W_h_aio = Linear(out_size, 3 * out_size, nobias=True)
            self.W_h_f = Linear(out_size, out_size, nobias=True)
        self.in_size = in_size
        self.state_size = out_size

    def forward(self, *cshsx):
        if len(cshsx) % 2 != 1:
            raise ValueError('ChildSumTreeLSTM takes c_1..c_n, h_1..h_n, x (an odd number '
                             f'of arguments), got {len(cshsx)}')
        n = len(cshsx) // 2
        cs, hs, x = cshsx[:n], cshsx[n:-1], cshsx[-1]
        x = _zero_input(self, cs, hs, x)
        w_x = self.W_x(x)
        w_x_aio, w_x_f = F.split_axis(w_x, [3 * self.state_size], axis=1)
        if not hs:
            a, i, o = F.split_axis(w_x_aio, 3, axis=1)
            c = F.sigmoid(i) * F.tanh(a)
            return c, F.sigmoid(o) * F.tanh(c)
        shape = (x.shape[0], self.state_size)
        hs = _pad_zero_nodes(self, hs, shape, x.dtype)
        cs = _pad_zero_nodes(self, cs, shape, x.dtype)
        h_sum = hs[0]
        for h in hs[1:]:
            h_sum = h_sum + h
        aio_in = self.W_h_aio(h_sum) + w_x_aio
        w_h_fs = F.concat(F.split_axis(self.W_h_f(F.concat(hs, axis=0)), len(hs), axis=0),
                          axis=1)
        f_in = w_h_fs + F.concat([w_x_f] * len(hs), axis=1)
        return F.tree_lstm(*(cs + (F.concat([aio_in, f_in], axis=1),)))


class NaryTreeLSTM(Chain):
    """``c, h = link(c_1, ..., c_N, h_1, ..., h_N, x)`` for exactly N = n_ary children,
    each with its own weight W_h1 .. W_hN (out -> (3 + N) out, no bias) beside W_x."""

    def __init__(self, in_size, out_size, n_ary=2):
        if n_ary < 1:
            raise ValueError(f'NaryTreeLSTM: n_ary must be >= 1, got {n_ary}')
        super().__init__()
        with self.init_scope():
            self.W_x = Linear(in_size, (3 + n_ary) * out_size)
            for k in range(1, n_ary + 1):
                setattr(self, f'W_h{k}', Linear(out_size, (3 + n_ary) * out_size,
                                                nobias=True))
        self.in_size = in_size
        self.state_size = out_size
        self.n_ary = n_ary

    def forward(self, *cshsx):
        if len(cshsx) != 2 * self.n_ary + 1:
            raise ValueError(f'NaryTreeLSTM: expected {2 * self.n_ary + 1} arguments '
                             f'(c_1..c_N, h_1..h_N, x), got {len(cshsx)}')
        cs, hs, x = cshsx[:self.n_ary], cshsx[self.n_ary:-1], cshsx[-1]
        x = _zero_input(self, cs, hs, x)
        lstm_in = self.W_x(x)
        for k, h in enumerate(hs, start=1):
            if h is not None:
                lstm_in = lstm_in + getattr(self, f'W_h{k}')(h)
        cs = _pad_zero_nodes(self, cs, (x.shape[0], self.state_size), x.dtype)
        return F.tree_lstm(*(cs + (lstm_in,)))

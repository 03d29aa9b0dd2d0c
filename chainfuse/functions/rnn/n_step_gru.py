from chainfuse.functions.array.split_axis import split_axis
from chainfuse.functions.rnn.n_step_rnn import Cell, _no_train, n_step_base
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg


class GRUCell(Cell):
    """Chainer's GRU step from W0..W2 (input) and W3..W5 (hidden)::

        r = sigmoid(W0 x + b0 + W3 h + b3)    z = sigmoid(W1 x + b1 + W4 h + b4)
        h_bar = tanh(W2 x + b2 + r (W5 h + b5))
        h = (1 - z) h_bar + z h
    """

    n_weights = 6

    def step(self, xw, h, c, hw, hb):
        hh = E.add(linalg.matmul(h, hw, transb=True), hb)
        xr, xz, xn = split_axis(xw, 3, axis=1)
        hr, hz, hn = split_axis(hh, 3, axis=1)
        r = E.sigmoid(E.add(xr, hr))
        z = E.sigmoid(E.add(xz, hz))
        h_bar = E.tanh(E.add(xn, E.mul(r, hn)))
        return E.add(E.mul(E.sub(1.0, z), h_bar), E.mul(z, h)), None


def n_step_gru(n_layers, dropout_ratio, hx, ws, bs, xs, **kwargs):
    """Stacked GRU over sequences: returns ``(hy, ys)`` (see
    `chainfuse.functions.rnn.n_step_rnn` for the shapes and `GRUCell` for the
    equations)."""
    _no_train('n_step_gru', kwargs)
    hy, _, ys = n_step_base(GRUCell(), n_layers, dropout_ratio, hx, None, ws, bs, xs, False)
    return hy, ys


def n_step_bigru(n_layers, dropout_ratio, hx, ws, bs, xs, **kwargs):
    """Bidirectional `n_step_gru`: ys[t] is (B_t, 2 H); returns ``(hy, ys)``."""
    _no_train('n_step_bigru', kwargs)
    hy, _, ys = n_step_base(GRUCell(), n_layers, dropout_ratio, hx, None, ws, bs, xs, True)
    return hy, ys

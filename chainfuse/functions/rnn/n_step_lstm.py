from chainfuse.functions.rnn.lstm import lstm
from chainfuse.functions.rnn.n_step_rnn import Cell, _no_train, n_step_base
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg


def _interleave(vs):
    """Chainer's LSTM layout from four (H, ...) gate blocks: unit-major, gates
    interleaved (``stack(axis=1).reshape``)."""
    stacked = A.concat(*[A.reshape(v, shape=(v.shape[0], 1) + tuple(v.shape[1:]))
                         for v in vs], axis=1)
    return A.reshape(stacked, shape=(4 * vs[0].shape[0],) + tuple(vs[0].shape[1:]))


class LSTMCell(Cell):
    """``i, f, a, o`` from W0..W3 (input) and W4..W7 (hidden)::

        i = sigmoid(W0 x + b0 + W4 h + b4)    f = sigmoid(W1 x + b1 + W5 h + b5)
        a = tanh(W2 x + b2 + W6 h + b6)       o = sigmoid(W3 x + b3 + W7 h + b7)
        c = f c_prev + i a                    h = o tanh(c)

    The weights are stacked in `F.lstm`'s layout (a, i, f, o interleaved), so one step
    is a product and one fused cell.
    """

    n_weights = 8
    has_cell = True

    def input_weights(self, w, b):
        return _interleave([w[2], w[0], w[1], w[3]]), _interleave([b[2], b[0], b[1], b[3]])

    def hidden_weights(self, w, b):
        return _interleave([w[6], w[4], w[5], w[7]]), _interleave([b[6], b[4], b[5], b[7]])

    def step(self, xw, h, c, hw, hb):
        c, h = lstm(c, E.add(xw, E.add(linalg.matmul(h, hw, transb=True), hb)))
        return h, c


def n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, **kwargs):
    """Stacked LSTM over sequences: returns ``(hy, cy, ys)`` (see
    `chainfuse.functions.rnn.n_step_rnn` for the shapes and `LSTMCell` for the
    equations; ``ws[k]`` holds W0..W7, each (H, in) or (H, H))."""
    _no_train('n_step_lstm', kwargs)
    return n_step_base(LSTMCell(), n_layers, dropout_ratio, hx, cx, ws, bs, xs, False)


def n_step_bilstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs, **kwargs):
    """Bidirectional `n_step_lstm`: ys[t] is (B_t, 2 H); returns ``(hy, cy, ys)``."""
    _no_train('n_step_bilstm', kwargs)
    return n_step_base(LSTMCell(), n_layers, dropout_ratio, hx, cx, ws, bs, xs, True)

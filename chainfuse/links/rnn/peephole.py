from chainfuse import functions as F
from chainfuse.core.variable import Variable
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


def _split_gates(lstm_in, size):
    """a, i, f, o of Chainer's interleaved LSTM layout, each (B, size)."""
    r = F.reshape(lstm_in, (lstm_in.shape[0], size, 4))
    return [F.reshape(g, (lstm_in.shape[0], size)) for g in F.split_axis(r, 4, axis=2)]


class StatefulPeepholeLSTM(Chain):
    """``StatefulPeepholeLSTM(in_size, out_size)``: an LSTM whose gates also see the cell
    (Gers and Schmidhuber): children upward, lateral (as L.LSTM) and peep_i, peep_f,
    peep_o (out -> out, no bias)::

        i = sigmoid(i_in + peep_i c)   f = sigmoid(f_in + peep_f c)
        c' = tanh(a) i + f c           o = sigmoid(o_in + peep_o c')   h = o tanh(c')
    """

    def __init__(self, in_size, out_size):
        super().__init__()
        self.state_size = out_size
        self.reset_state()
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size)
            self.lateral = Linear(out_size, 4 * out_size, nobias=True)
            self.peep_i = Linear(out_size, out_size, nobias=True)
            self.peep_f = Linear(out_size, out_size, nobias=True)
            self.peep_o = Linear(out_size, out_size, nobias=True)

    def reset_state(self):
        self.c = self.h = None

    def forward(self, x):
        lstm_in = self.upward(x)
        if self.h is not None:
            lstm_in = lstm_in + self.lateral(self.h)
        if self.c is None:
            self.c = Variable(self.xp.zeros((x.shape[0], self.state_size), dtype=x.dtype),
                              requires_grad=False)
        a, i, f, o = _split_gates(lstm_in, self.state_size)
        a = F.tanh(a)
        i = F.sigmoid(i + self.peep_i(self.c))
        f = F.sigmoid(f + self.peep_f(self.c))
        self.c = a * i + f * self.c
        o = F.sigmoid(o + self.peep_o(self.c))
        self.h = o * F.tanh(self.c)
        return self.h

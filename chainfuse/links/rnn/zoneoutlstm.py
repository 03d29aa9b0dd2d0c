from chainfuse import functions as F
from chainfuse.core.variable import Variable
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain
from chainfuse.links.rnn.peephole import _split_gates


class StatefulZoneoutLSTM(Chain):
    """``StatefulZoneoutLSTM(in_size, out_size, c_ratio=0.5, h_ratio=0.5)``: L.LSTM's
    parameters (upward, lateral) with zoneout on the cell and hidden state while
    training (``F.zoneout``: each unit keeps its previous value with probability
    c_ratio / h_ratio)."""

    def __init__(self, in_size, out_size, c_ratio=0.5, h_ratio=0.5, **kwargs):
        if 'train' in kwargs:
            raise ValueError("StatefulZoneoutLSTM: the 'train' argument is not supported; "
                             "use chainfuse.using_config('train', ...)")
        if kwargs:
            raise TypeError(f'StatefulZoneoutLSTM() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        super().__init__()
        self.state_size = out_size
        self.c_ratio = c_ratio
        self.h_ratio = h_ratio
        self.reset_state()
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size)
            self.lateral = Linear(out_size, 4 * out_size, nobias=True)

    def set_state(self, c, h):
        if not isinstance(c, Variable) or not isinstance(h, Variable):
            raise TypeError('StatefulZoneoutLSTM.set_state: c and h must be Variables')
        self.c, self.h = c, h

    def reset_state(self):
        self.c = self.h = None

    def forward(self, x):
        lstm_in = self.upward(x)
        zeros = self.xp.zeros((x.shape[0], self.state_size), dtype=x.dtype)
        if self.h is not None:
            lstm_in = lstm_in + self.lateral(self.h)
        else:
            self.h = Variable(zeros, requires_grad=False)
        if self.c is None:
            self.c = Variable(zeros.copy(), requires_grad=False)
        a, i, f, o = _split_gates(lstm_in, self.state_size)
        c_tmp = F.tanh(a) * F.sigmoid(i) + F.sigmoid(f) * self.c
        self.c = F.zoneout(self.c, c_tmp, self.c_ratio)
        self.h = F.zoneout(self.h, F.sigmoid(o) * F.tanh(c_tmp), self.h_ratio)
        return self.h

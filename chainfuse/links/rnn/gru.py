"""GRU links (Chainer's GRU, StatefulGRU, StatelessGRU): six Linear children W_r, U_r,
W_z, U_z, W, U (W_*: in -> out, U_*: out -> out, each with a bias)::

    r = sigmoid(W_r x + U_r h)       z = sigmoid(W_z x + U_z h)
    h_bar = tanh(W x + U (r h))      h' = z h_bar + (1 - z) h
"""
from chainfuse import functions as F
from chainfuse.core.variable import Variable
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


class GRUBase(Chain):
    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=None):
        super().__init__()
        with self.init_scope():
            self.W_r = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_r = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W_z = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_z = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)


class StatelessGRU(GRUBase):
    """``h_new = link(h, x)``: one GRU step with the state given."""

    def forward(self, h, x):
        r = F.sigmoid(self.W_r(x) + self.U_r(h))
        z = F.sigmoid(self.W_z(x) + self.U_z(h))
        h_bar = F.tanh(self.W(x) + self.U(r * h))
        return F.linear_interpolate(z, h_bar, h)


class StatefulGRU(GRUBase):
    """``h = link(x)``: a GRU that keeps its hidden state `h` until `reset_state`; the
    first step (no state) is ``sigmoid(W_z x) tanh(W x)``."""

    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=0):
        super().__init__(in_size, out_size, init, inner_init, bias_init)
        self.state_size = out_size
        self.reset_state()

    def set_state(self, h):
        if not isinstance(h, Variable):
            raise TypeError(f'{type(self).__name__}.set_state: h must be a Variable, got '
                            f'{type(h).__name__}')
        self.h = h

    def reset_state(self):
        self.h = None

    def forward(self, x):
        z = self.W_z(x)
        h_bar = self.W(x)
        if self.h is not None:
            r = F.sigmoid(self.W_r(x) + self.U_r(self.h))
            z = z + self.U_z(self.h)
            h_bar = h_bar + self.U(r * self.h)
        z = F.sigmoid(z)
        h_bar = F.tanh(h_bar)
        if self.h is not None:
            h_new = F.linear_interpolate(z, h_bar, self.h)
        else:
            h_new = z * h_bar
        self.h = h_new
        return self.h


class GRU(StatefulGRU):
    """Chainer's alias of `StatefulGRU` (called with x only)."""

    def forward(self, *args):
        if len(args) != 1:
            extra = (' In Chainer v2 L.GRU became stateful; use L.StatelessGRU for '
                     'link(h, x).') if len(args) == 2 else ''
            raise ValueError(f'GRU takes 1 argument (x), got {len(args)}.{extra}')
        return super().forward(args[0])

"""Minimal gated units (Zhou et al.; Chainer's StatelessMGU and StatefulMGU): Linear
children W_f and W_h, both (in + out) -> out::

    f = sigmoid(W_f [h, x])    h_bar = tanh(W_h [f h, x])    h' = f h_bar + (1 - f) h
"""
from chainfuse import functions as F
from chainfuse.config import config
from chainfuse.core.variable import Variable
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


class MGUBase(Chain):
    def __init__(self, n_inputs, n_units):
        super().__init__()
        with self.init_scope():
            self.W_f = Linear(n_inputs + n_units, n_units)
            self.W_h = Linear(n_inputs + n_units, n_units)

    def _call_mgu(self, h, x):
        f = F.sigmoid(self.W_f(F.concat([h, x])))
        h_bar = F.tanh(self.W_h(F.concat([f * h, x])))
        return F.linear_interpolate(f, h_bar, h)


class StatelessMGU(MGUBase):
    """``h_new = link(h, x)``."""

    def forward(self, h, x):
        return self._call_mgu(h, x)


class StatefulMGU(MGUBase):
    """``h = link(x)``, keeping `h` (zeros at first) until `reset_state`."""

    def __init__(self, in_size, out_size):
        super().__init__(in_size, out_size)
        self._state_size = out_size
        self.reset_state()

    def set_state(self, h):
        if not isinstance(h, Variable):
            raise TypeError(f'StatefulMGU.set_state: h must be a Variable, got '
                            f'{type(h).__name__}')
        self.h = h

    def reset_state(self):
        self.h = None

    def forward(self, x):
        h = self.h
        if h is None:
            h = Variable(self.xp.zeros((x.shape[0], self._state_size), dtype=config.dtype),
                         requires_grad=False)
        self.h = self._call_mgu(h, x)
        return self.h

"""L.LSTM (a fully connected LSTM layer that keeps its cell and hidden state) and
L.StatelessLSTM (the same layer taking and returning the state).

Gate layout follows Chainer's ``F.lstm`` (so saved Chainer weights load as is): the
4 * out_size pre-activations are unit-major with the gates interleaved, i.e. column
``4 * j + g`` is gate ``g`` (a: cell input, i: input, f: forget, o: output) of unit j.

    c = tanh(a) * sigmoid(i) + sigmoid(f) * c_prev
    h = sigmoid(o) * tanh(c)
"""
import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Variable
from chainfuse.links.connection import _args
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


def lstm_cell(c_prev, x):
    """One LSTM step on pre-activations `x` (B, 4H) in Chainer's layout; returns (c, h)."""
    return F.lstm(c_prev, x)


class LSTMBase(Chain):
    """The parameters shared by LSTM and StatelessLSTM.

    Children: ``upward`` (Linear in_size -> 4 * out_size, with bias) and ``lateral``
    (Linear out_size -> 4 * out_size, no bias).  An in_size of None infers the input
    size from the first batch.  The forget-gate bias starts at 1.
    """

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        if out_size is None:
            in_size, out_size = None, in_size
        super().__init__()
        who = type(self).__name__
        _args.size(who, 'in_size', in_size, optional=True)
        self.state_size = _args.size(who, 'out_size', out_size)
        self.lateral_init = lateral_init
        self.upward_init = upward_init
        self.bias_init = 0 if bias_init is None else bias_init
        self.forget_bias_init = 1 if forget_bias_init is None else forget_bias_init
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size, initialW=0)
            self.lateral = Linear(out_size, 4 * out_size, initialW=0, nobias=True)
        if in_size is not None:
            self._initialize_params()

    def _initialize_params(self):
        get = initializers._get_initializer
        lateral_init, upward_init = get(self.lateral_init), get(self.upward_init)
        n = self.state_size
        lateral_w = self.lateral.W._data
        upward_w = self.upward.W._data
        for start in range(0, 4 * n, n):
            initializers.init_weight(lateral_w[start:start + n], lateral_init)
            initializers.init_weight(upward_w[start:start + n], upward_init)
        gates = self.upward.b._data.reshape(n, 4)
        for g in range(4):
            spec = self.forget_bias_init if g == 2 else self.bias_init
            initializers.init_weight(gates[:, g], get(spec))

    def _lazy_init(self, x):
        if not self.upward.W.is_initialized:
            in_size = int(numpy.prod(x.shape[1:], dtype=numpy.int64))
            self.upward._initialize_params(in_size)
            self._initialize_params()


class StatelessLSTM(LSTMBase):
    """``StatelessLSTM(in_size, out_size=None, ...)``: the parameters of `LSTM`, called
    as ``c, h = link(c, h, x)`` with the state given and returned (None: zeros)."""

    def forward(self, c, h, x):
        self._check_input_device(x)
        self._lazy_init(x)
        lstm_in = self.upward(x)
        if h is not None:
            lstm_in = lstm_in + self.lateral(h)
        if c is None:
            c = Variable(self.xp.zeros((x.shape[0], self.state_size), dtype=lstm_in.dtype),
                         requires_grad=False)
        return F.lstm(c, lstm_in)


class LSTM(LSTMBase):
    """``LSTM(in_size, out_size=None, lateral_init=None, upward_init=None, bias_init=None,
    forget_bias_init=None)``; ``LSTM(out_size)`` infers in_size from the first batch.

    The state (`c`, `h`) persists across calls until `reset_state`; a smaller batch
    than the state's updates only the first rows (as Chainer does for sequences of
    decreasing length).
    """

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        if out_size is None:
            in_size, out_size = None, in_size
        super().__init__(in_size, out_size, lateral_init, upward_init, bias_init,
                         forget_bias_init)
        self.reset_state()

    def reset_state(self):
        """Forgets the cell and hidden state."""
        self.c = None
        self.h = None

    def set_state(self, c, h):
        """Sets the cell and hidden state (Variables or arrays of shape (B, out_size))."""
        self.c = c if isinstance(c, Variable) else Variable(c)
        self.h = h if isinstance(h, Variable) else Variable(h)

    def forward(self, x):
        self._check_input_device(x)
        self._lazy_init(x)
        batch = x.shape[0]
        lstm_in = self.upward(x)
        h_rest = None
        if self.h is not None:
            h_size = self.h.shape[0]
            if h_size < batch:
                raise TypeError(f'LSTM: the batch size {batch} is larger than the batch size '
                                f'{h_size} of the state; call reset_state() first')
            if h_size > batch:
                h_rest = self.h[batch:]
                lstm_in = lstm_in + self.lateral(self.h[:batch])
            else:
                lstm_in = lstm_in + self.lateral(self.h)
        if self.c is None:
            self.c = Variable(self.xp.zeros((batch, self.state_size), dtype=lstm_in.dtype),
                              requires_grad=False)
        c_prev = self.c if self.c.shape[0] == batch else self.c[:batch]
        c_rest = None if self.c.shape[0] == batch else self.c[batch:]
        c, y = F.lstm(c_prev, lstm_in)
        self.c = c if c_rest is None else F.concat([c, c_rest], axis=0)
        self.h = y if h_rest is None else F.concat([y, h_rest], axis=0)
        return y

from chainfuse.functions.rnn.lstm import _gates
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def tree_lstm(*inputs):
    """N-ary tree LSTM step: ``tree_lstm(c_1, ..., c_n, x)`` with x of shape
    (B, (3 + n) H, ...) holding the gates one after another (not interleaved):
    a, i, o, f_1 ... f_n.  Returns ``(c, h)``::

        c = tanh(a) sigmoid(i) + sum_k sigmoid(f_k) c_k
        h = sigmoid(o) tanh(c)
    """
    if len(inputs) < 2:
        raise TypeError('tree_lstm needs at least one cell state and x')
    cs, x = inputs[:-1], inputs[-1]
    gates = _gates('tree_lstm', x, 3 + len(cs), interleaved=False)
    a, i, o = gates[:3]
    for c in cs:
        if tuple(c.shape) != tuple(a.shape):
            raise OpTypeError('tree_lstm', f'every cell state must have shape '
                                           f'{tuple(a.shape)}, got {tuple(c.shape)}')
    c = E.mul(E.tanh(a), E.sigmoid(i))
    for f, c_k in zip(gates[3:], cs):
        c = E.add(c, E.mul(E.sigmoid(f), c_k))
    return c, E.mul(E.sigmoid(o), E.tanh(c))

"""LSTM cells as activation functions (Chainer's ``F.lstm`` and ``F.slstm``).

The 4 * H pre-activations of x are unit-major with the gates interleaved: column
``4 * j + g`` is gate ``g`` (a: cell input, i: input, f: forget, o: output) of unit j,
so weights saved by Chainer (``L.LSTM``) are read as they are::

    c = tanh(a) * sigmoid(i) + sigmoid(f) * c_prev
    h = sigmoid(o) * tanh(c)

Composed of elementwise ops, so a compiled step fuses a cell into one kernel.
"""
from chainfuse.functions.array.concat import concat
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def _gates(fn, x, n, interleaved=True):
    if x.ndim < 2 or x.shape[1] % n:
        raise OpTypeError(fn, f'x must be (B, {n} * H, ...), got shape {tuple(x.shape)}')
    h = x.shape[1] // n
    rest = tuple(x.shape[2:])
    shape = (x.shape[0], h, n) + rest if interleaved else (x.shape[0], n, h) + rest
    r = A.reshape(x, shape=shape)
    lead = (A.Slice(None, None, None),) if interleaved else ()
    return [A.getitem(r, key=(A.Slice(None, None, None),) + lead + (g,)) for g in range(n)]


def _check_state(fn, c, x, h):
    if c.ndim != x.ndim or c.shape[0] < x.shape[0] or c.shape[1] != h or \
            tuple(c.shape[2:]) != tuple(x.shape[2:]):
        raise OpTypeError(fn, f'c_prev must be (B\', H, ...) with B\' >= B for x of shape '
                              f'{tuple(x.shape)} (H = {h}), got {tuple(c.shape)}')


def _split_rows(c, batch):
    if c.shape[0] == batch:
        return c, None
    full = A.Slice(None, None, None)
    return (A.getitem(c, key=(A.Slice(None, batch, None), full)),
            A.getitem(c, key=(A.Slice(batch, None, None), full)))


def lstm(c_prev, x):
    """One LSTM step: returns ``(c, h)`` from the previous cell state c_prev (B', H, ...)
    and the pre-activations x (B, 4H, ...).  When B < B' (sequences sorted by
    decreasing length) the last rows of c_prev are passed into c unchanged and h has
    B rows."""
    a, i, f, o = _gates('lstm', x, 4)
    _check_state('lstm', c_prev, x, a.shape[1])
    c_head, c_rest = _split_rows(c_prev, x.shape[0])
    c = E.add(E.mul(E.tanh(a), E.sigmoid(i)), E.mul(E.sigmoid(f), c_head))
    h = E.mul(E.sigmoid(o), E.tanh(c))
    if c_rest is not None:
        c = concat((c, c_rest), axis=0)
    return c, h


def slstm(c_prev1, c_prev2, x1, x2):
    """S-LSTM step merging two children (tree-structured LSTM): x1 and x2 hold the four
    gates of each child (Chainer's interleaved layout)::

        c = tanh(a1) sigmoid(i1) + tanh(a2) sigmoid(i2)
            + sigmoid(f1) c_prev1 + sigmoid(f2) c_prev2
        h = sigmoid(o1 + o2) tanh(c)
    """
    a1, i1, f1, o1 = _gates('slstm', x1, 4)
    a2, i2, f2, o2 = _gates('slstm', x2, 4)
    for c in (c_prev1, c_prev2):
        if tuple(c.shape) != tuple(a1.shape):
            raise OpTypeError('slstm', f'c_prev1 and c_prev2 must have shape '
                                       f'{tuple(a1.shape)}, got {tuple(c.shape)}')
    c = E.add(E.add(E.mul(E.tanh(a1), E.sigmoid(i1)), E.mul(E.tanh(a2), E.sigmoid(i2))),
              E.add(E.mul(E.sigmoid(f1), c_prev1), E.mul(E.sigmoid(f2), c_prev2)))
    h = E.mul(E.sigmoid(E.add(o1, o2)), E.tanh(c))
    return c, h

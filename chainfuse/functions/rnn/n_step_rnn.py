"""Stacked, optionally bidirectional RNNs over sequences of varying length (Chainer's
``n_step_rnn``/``n_step_birnn``; `n_step_lstm` and `n_step_gru` use the same loop).

``xs`` is a list of T arrays, ``xs[t]`` of shape (B_t, in) with B_t non-increasing
(sequences sorted by decreasing length, as ``F.transpose_sequence`` makes them).  At
step t only the first B_t rows of the state are updated; the others keep the state of
their sequence's end, which is what ``hy`` returns.  Layer l > 0 reads the outputs of
layer l - 1 (forward and backward outputs concatenated when bidirectional), passed
through ``F.dropout(ratio=dropout_ratio)``; the first layer reads xs as they are.

``hx`` (and ``cx`` for the LSTM) is (n_layers * directions, B, H), direction d of layer
l at index ``directions * l + d``; ``ws[k]`` / ``bs[k]`` are that layer's weight
matrices and bias vectors in Chainer's order (W0... for the input, then the hidden
ones).

The input projections of a whole layer are one matrix product over the concatenated
xs (split back per step); each step then adds one product with the hidden state.
"""
from chainfuse.functions.array.concat import concat
from chainfuse.functions.array.split_axis import split_axis
from chainfuse.functions.array.stack import stack
from chainfuse.functions.noise.dropout import dropout
from chainfuse.functions._util import array_module, v1_kwargs
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError

_ALL = A.Slice(None, None, None)


def _rows(v, start, stop):
    return A.getitem(v, key=(A.Slice(start, stop, None), _ALL))


def _project(xs, w, b):
    """``x W^T + b`` for every x in xs with one product; returns the list of results."""
    sizes = [int(x.shape[0]) for x in xs]
    flat = xs[0] if len(xs) == 1 else concat(xs, axis=0)
    y = E.add(linalg.matmul(flat, w, transb=True), b)
    if len(xs) == 1:
        return [y]
    bounds, total = [], 0
    for s in sizes[:-1]:
        total += s
        bounds.append(total)
    return list(split_axis(y, bounds, axis=0))


class Cell:
    """How one RNN kind steps: `n_weights` matrices (half for the input), whether it has a
    cell state, and ``step(xw, h, c, hw_weights, hw_bias) -> (h, c)`` given the input
    projection xw of one step."""

    n_weights = 2
    has_cell = False

    def input_weights(self, w, b):
        """The stacked input weight matrix and bias of one layer/direction."""
        half = self.n_weights // 2
        return self._stack(w[:half]), self._stack(b[:half])

    def hidden_weights(self, w, b):
        half = self.n_weights // 2
        return self._stack(w[half:]), self._stack(b[half:])

    @staticmethod
    def _stack(vs):
        return vs[0] if len(vs) == 1 else concat(list(vs), axis=0)

    def step(self, xw, h, c, hw, hb):
        raise NotImplementedError


class RNNCell(Cell):
    def __init__(self, activation):
        if activation not in ('tanh', 'relu'):
            raise ValueError(f"n_step_rnn: activation must be 'tanh' or 'relu', got "
                             f'{activation!r}')
        self.activation = activation

    def step(self, xw, h, c, hw, hb):
        z = E.add(xw, E.add(linalg.matmul(h, hw, transb=True), hb))
        return (E.tanh(z) if self.activation == 'tanh' else E.maximum(0.0, z)), None


def _check(n_layers, directions, hx, cx, ws, bs, xs, cell):
    if not xs:
        raise ValueError('n_step_rnn: xs must hold at least one step')
    n = n_layers * directions
    if len(ws) != n or len(bs) != n:
        raise ValueError(f'n_step_rnn: ws and bs must hold {n} lists (n_layers * directions), '
                         f'got {len(ws)} and {len(bs)}')
    for k, (w, b) in enumerate(zip(ws, bs)):
        if len(w) != cell.n_weights or len(b) != cell.n_weights:
            raise ValueError(f'n_step_rnn: ws[{k}] and bs[{k}] must hold {cell.n_weights} '
                             f'arrays each, got {len(w)} and {len(b)}')
    prev = xs[0].shape[0]
    for t, x in enumerate(xs):
        if x.shape[0] > prev:
            raise OpTypeError('n_step_rnn', f'batch sizes of xs must not increase (sort the '
                                            f'sequences by decreasing length); xs[{t}] has '
                                            f'{x.shape[0]} rows after {prev}')
        prev = x.shape[0]
    if hx is not None and (hx.ndim != 3 or hx.shape[0] != n or hx.shape[1] < xs[0].shape[0]):
        raise OpTypeError('n_step_rnn', f'hx must have shape ({n}, B, H) with B >= '
                                        f'{xs[0].shape[0]}, got {tuple(hx.shape)}')


def _initial(state, k, batch, hidden, like):
    if state is not None:
        return A.getitem(state, key=(k,))
    return array_module(like).zeros((batch, hidden), dtype=like.dtype)


def _one_direction(cell, xs, h, c, w, b):
    xws = _project(xs, *cell.input_weights(w, b))
    hw, hb = cell.hidden_weights(w, b)
    ys = []
    for xw in xws:
        batch = xw.shape[0]
        h_rest = c_rest = None
        if h.shape[0] > batch:
            h, h_rest = _rows(h, None, batch), _rows(h, batch, None)
            if c is not None:
                c, c_rest = _rows(c, None, batch), _rows(c, batch, None)
        h, c = cell.step(xw, h, c, hw, hb)
        ys.append(h)
        if h_rest is not None:
            h = concat((h, h_rest), axis=0)
            if c is not None:
                c = concat((c, c_rest), axis=0)
    return h, c, ys


def n_step_base(cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, use_bi_direction):
    """The stacked loop shared by every n_step_* function; returns (hy, cy, ys)."""
    directions = 2 if use_bi_direction else 1
    xs = list(xs)
    _check(n_layers, directions, hx, cx, ws, bs, xs, cell)
    hidden = ws[0][-1].shape[0]
    batch = xs[0].shape[0]
    hy, cy = [], []
    inputs = xs
    for layer in range(n_layers):
        if layer > 0:
            inputs = [dropout(x, ratio=dropout_ratio) for x in inputs]
        outs = []
        for d in range(directions):
            k = directions * layer + d
            h0 = _initial(hx, k, batch, hidden, xs[0])
            c0 = _initial(cx, k, batch, hidden, xs[0]) if cell.has_cell else None
            seq = inputs if d == 0 else inputs[::-1]
            h, c, ys = _one_direction(cell, seq, h0, c0, ws[k], bs[k])
            outs.append(ys if d == 0 else ys[::-1])
            hy.append(h)
            cy.append(c)
        inputs = outs[0] if directions == 1 else \
            [concat((f, bw), axis=1) for f, bw in zip(*outs)]
    return stack(hy), (stack(cy) if cell.has_cell else None), tuple(inputs)


def _no_train(fn, kwargs):
    if 'train' in kwargs:
        raise ValueError(f"{fn}: the 'train' argument is not supported; use "
                         "chainfuse.using_config('train', ...)")
    if kwargs:
        v1_kwargs(fn, kwargs)


def n_step_rnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation='tanh', **kwargs):
    """Stacked Elman RNN, ``h_t = f(W0 x_t + b0 + W1 h_{t-1} + b1)`` with f tanh or relu.
    Returns ``(hy, ys)``; see the module docstring for the shapes."""
    _no_train('n_step_rnn', kwargs)
    hy, _, ys = n_step_base(RNNCell(activation), n_layers, dropout_ratio, hx, None, ws, bs,
                            xs, False)
    return hy, ys


def n_step_birnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation='tanh', **kwargs):
    """Bidirectional `n_step_rnn`: every ys[t] is (B_t, 2 H); returns ``(hy, ys)``."""
    _no_train('n_step_birnn', kwargs)
    hy, _, ys = n_step_base(RNNCell(activation), n_layers, dropout_ratio, hx, None, ws, bs,
                            xs, True)
    return hy, ys


def n_step_rnn_base(n_layers, dropout_ratio, hx, ws, bs, xs, activation, use_bi_direction,
                    **kwargs):
    """`n_step_rnn` or `n_step_birnn` by `use_bi_direction` (Chainer's base function)."""
    _no_train('n_step_rnn_base', kwargs)
    hy, _, ys = n_step_base(RNNCell(activation), n_layers, dropout_ratio, hx, None, ws, bs,
                            xs, use_bi_direction)
    return hy, ys

"""Rows for F.rnn (chainfuse/functions/rnn/): the references run each sequence on its
own in numpy (no batching by length), so they check the time-major batching too."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, uniform

H, I = 3, 4
LENGTHS = (3, 2, 2, 1)       # sequences sorted by decreasing length: batch sizes per step


def _sig(x):
    return 1 / (1 + numpy.exp(-x))


def _gates(x, n):
    r = x.reshape(x.shape[0], -1, n)
    return [r[:, :, g] for g in range(n)]


def _lstm(c, x):
    a, i, f, o = _gates(x, 4)
    b = len(x)
    c_new = numpy.tanh(a) * _sig(i) + _sig(f) * c[:b]
    return numpy.concatenate([c_new, c[b:]]), _sig(o) * numpy.tanh(c_new)


def _slstm(c1, c2, x1, x2):
    a1, i1, f1, o1 = _gates(x1, 4)
    a2, i2, f2, o2 = _gates(x2, 4)
    c = numpy.tanh(a1) * _sig(i1) + numpy.tanh(a2) * _sig(i2) + _sig(f1) * c1 + _sig(f2) * c2
    return c, _sig(o1 + o2) * numpy.tanh(c)


def _tree_lstm(c1, c2, x):
    a, i, o, f1, f2 = numpy.split(x, 5, axis=1)
    c = numpy.tanh(a) * _sig(i) + _sig(f1) * c1 + _sig(f2) * c2
    return c, _sig(o) * numpy.tanh(c)


def _step(kind, x, h, c, w, b):
    lin = [x @ w[k].T + b[k] for k in range(len(w) // 2)]
    hid = [h @ w[k].T + b[k] for k in range(len(w) // 2, len(w))]
    if kind == 'lstm':
        i, f = _sig(lin[0] + hid[0]), _sig(lin[1] + hid[1])
        a, o = numpy.tanh(lin[2] + hid[2]), _sig(lin[3] + hid[3])
        c = f * c + i * a
        return o * numpy.tanh(c), c
    if kind == 'gru':
        r, z = _sig(lin[0] + hid[0]), _sig(lin[1] + hid[1])
        h_bar = numpy.tanh(lin[2] + r * hid[2])
        return (1 - z) * h_bar + z * h, c
    z = lin[0] + hid[0]
    return (numpy.tanh(z) if kind == 'tanh' else numpy.maximum(z, 0)), c


def _stacked(kind, n_layers, bi, hx, cx, ws, bs, xs):
    """Each sequence alone: returns (hy, cy, ys) in the function's time-major layout."""
    dirs = 2 if bi else 1
    batch = xs[0].shape[0]
    seqs = [numpy.stack([x[n] for x in xs if len(x) > n]) for n in range(batch)]
    hy = numpy.zeros((n_layers * dirs, batch, H))
    cy = numpy.zeros_like(hy)
    for n, seq in enumerate(seqs):
        inp = seq
        for layer in range(n_layers):
            outs = []
            for d in range(dirs):
                k = dirs * layer + d
                h, c = hx[k, n:n + 1], (cx[k, n:n + 1] if cx is not None else None)
                steps = inp if d == 0 else inp[::-1]
                ys = []
                for x in steps:
                    h, c = _step(kind, x[None], h, c, ws[k], bs[k])
                    ys.append(h[0])
                hy[k, n] = h[0]
                if c is not None:
                    cy[k, n] = c[0]
                outs.append(numpy.stack(ys if d == 0 else ys[::-1]))
            inp = numpy.concatenate(outs, axis=1)
        seqs[n] = inp
    ys = tuple(numpy.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(xs)))
    return hy, cy, ys


def _weights(n_layers, bi, n_weights):
    dirs = 2 if bi else 1
    specs = []
    for layer in range(n_layers):
        for _ in range(dirs):
            for j in range(n_weights):
                w_in = H if j >= n_weights // 2 else (I if layer == 0 else H * dirs)
                specs.append(uniform(H, w_in))
    return specs, [uniform(H) for _ in range(n_layers * dirs * n_weights)]


def _split(arrays, n_layers, bi, n_weights):
    dirs = 2 if bi else 1
    n = n_layers * dirs * n_weights
    ws = [list(arrays[k:k + n_weights]) for k in range(0, n, n_weights)]
    bs = [list(arrays[n + k:n + k + n_weights]) for k in range(0, n, n_weights)]
    return ws, bs, list(arrays[2 * n:])


def _n_step_case(name, fn, kind, n_layers, bi, n_weights, cell):
    dirs = 2 if bi else 1
    w_specs, b_specs = _weights(n_layers, bi, n_weights)
    x_specs = [uniform(b, I) for b in LENGTHS]
    states = [uniform(n_layers * dirs, LENGTHS[0], H)] * (2 if cell else 1)

    def call(*arrays):
        hx = arrays[0]
        cx = arrays[1] if cell else None
        ws, bs, xs = _split(arrays[len(states):], n_layers, bi, n_weights)
        extra = {} if kind in ('lstm', 'gru') else {'activation': kind}
        if cell:
            hy, cy, ys = fn(n_layers, 0.0, hx, cx, ws, bs, xs, **extra)
            return (hy, cy) + tuple(ys)
        hy, ys = fn(n_layers, 0.0, hx, ws, bs, xs, **extra)
        return (hy,) + tuple(ys)

    def ref(*arrays):
        hx = arrays[0]
        cx = arrays[1] if cell else None
        ws, bs, xs = _split(arrays[len(states):], n_layers, bi, n_weights)
        hy, cy, ys = _stacked(kind, n_layers, bi, hx, cx, ws, bs, xs)
        return ((hy, cy) if cell else (hy,)) + ys

    return Case(call, states + w_specs + b_specs + x_specs, ref=ref, name=name,
                covers=fn.__name__, dtypes=(numpy.float32, numpy.float64), double=False)


CASES = [
    Case(F.lstm, [uniform(3, 2), uniform(3, 8)], ref=_lstm),
    Case(F.lstm, [uniform(4, 2), uniform(2, 8)], ref=_lstm, name='lstm_shorter_batch'),
    Case(F.slstm, [uniform(2, 3), uniform(2, 3), uniform(2, 12), uniform(2, 12)],
         ref=_slstm),
    Case(F.tree_lstm, [uniform(2, 3), uniform(2, 3), uniform(2, 15)], ref=_tree_lstm),
    _n_step_case('n_step_lstm', F.n_step_lstm, 'lstm', 2, False, 8, True),
    _n_step_case('n_step_bilstm', F.n_step_bilstm, 'lstm', 1, True, 8, True),
    _n_step_case('n_step_gru', F.n_step_gru, 'gru', 2, False, 6, False),
    _n_step_case('n_step_bigru', F.n_step_bigru, 'gru', 2, True, 6, False),
    _n_step_case('n_step_rnn', F.n_step_rnn, 'tanh', 2, False, 2, False),
    _n_step_case('n_step_rnn_relu', F.n_step_rnn, 'relu', 1, False, 2, False),
    _n_step_case('n_step_birnn', F.n_step_birnn, 'tanh', 2, True, 2, False),
]

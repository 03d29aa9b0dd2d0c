"""Stacked RNN links over lists of sequences (Chainer's NStepRNNTanh, NStepRNNReLU,
NStepBiRNNTanh, NStepBiRNNReLU; NStepLSTM and NStepGRU build on `NStepRNNBase`).

A link is a ChainList of one plain Link per layer and direction holding ``w0 .. w{n-1}``
(out_size, in) and ``b0 .. b{n-1}`` (out_size,) in Chainer's order, so Chainer's saved
weights load as they are.  A call takes the sequences in any order: they are sorted by
decreasing length, transposed into time steps for the ``F.n_step_*`` function and the
results put back in the caller's order (the states' batch axis too).
"""
import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter, Variable
from chainfuse.functions._util import v1_kwargs
from chainfuse.links.connection import _args
from chainfuse.links.link import ChainList, Link
from chainfuse.ops import array as A


def argsort_list_descent(lst):
    """Indices sorting the sequences by decreasing length (numpy's argsort, as Chainer)."""
    return numpy.argsort([-len(x) for x in lst]).astype(numpy.int32)


def permutate_list(lst, indices, inv):
    out = [None] * len(lst)
    for i, ind in enumerate(indices):
        if inv:
            out[ind] = lst[i]
        else:
            out[i] = lst[ind]
    return out


class NStepRNNBase(ChainList):
    """``NStepRNNBase(n_layers, in_size, out_size, dropout, *, initialW=None,
    initial_bias=None)``: subclasses set `n_weights`, `use_bi_direction` and `rnn` (the
    ``F.n_step_*`` function).  Weights default to LeCunNormal, biases to 0."""

    n_weights = 2
    use_bi_direction = False
    use_cell = False

    def __init__(self, n_layers, in_size, out_size, dropout, *, initialW=None,
                 initial_bias=None, **kwargs):
        if kwargs:
            for name in ('use_bi_direction', 'activation'):
                if name in kwargs:
                    raise ValueError(f'{type(self).__name__}: {name} is not supported '
                                     'anymore (choose the class instead)')
            v1_kwargs(type(self).__name__, kwargs)
        who = type(self).__name__
        _args.size(who, 'n_layers', n_layers)
        _args.size(who, 'in_size', in_size)
        _args.size(who, 'out_size', out_size)
        direction = 2 if self.use_bi_direction else 1
        w_init = initializers._get_initializer(initialW)
        b_init = initializers._get_initializer(0 if initial_bias is None else initial_bias)
        weights = []
        for layer in range(n_layers):
            for _ in range(direction):
                weight = Link()
                with weight.init_scope():
                    for j in range(self.n_weights):
                        if j >= self.n_weights // 2:
                            w_in = out_size
                        else:
                            w_in = in_size if layer == 0 else out_size * direction
                        setattr(weight, f'w{j}', Parameter(w_init, (out_size, w_in)))
                        setattr(weight, f'b{j}', Parameter(b_init, (out_size,)))
                weights.append(weight)
        super().__init__(*weights)
        self.n_layers = n_layers
        self.dropout = dropout
        self.out_size = out_size
        self.direction = direction

    @property
    def ws(self):
        return [[getattr(layer, f'w{j}') for j in range(self.n_weights)] for layer in self]

    @property
    def bs(self):
        return [[getattr(layer, f'b{j}') for j in range(self.n_weights)] for layer in self]

    def init_hx(self, xs):
        shape = (self.n_layers * self.direction, len(xs), self.out_size)
        return Variable(self.xp.zeros(shape, dtype=xs[0].dtype), requires_grad=False)

    def rnn(self, *args):  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, hx, xs, **kwargs):
        """``hy, ys = link(hx, xs)``: hx (n_layers * directions, B, out_size) or None
        (zeros); xs a list of B sequences (T_i, in_size); ys[i] is (T_i, out_size *
        directions)."""
        (hy,), ys = self._call([hx], xs, **kwargs)
        return hy, ys

    def _call(self, hs, xs, **kwargs):
        if 'train' in kwargs:
            raise ValueError(f"{type(self).__name__}: the 'train' argument is not "
                             "supported; use chainfuse.using_config('train', ...)")
        if kwargs:
            raise TypeError(f'{type(self).__name__}() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        if not isinstance(xs, (list, tuple)) or not xs:
            raise TypeError(f'{type(self).__name__}: xs must be a non-empty list of '
                            f'sequences, got {type(xs).__name__}')
        self._check_input_device(xs[0])
        indices = argsort_list_descent(xs)
        inverse = numpy.argsort(indices).astype(numpy.int32)
        xs = permutate_list(xs, indices, inv=False)
        states = []
        for h in hs:
            states.append(self.init_hx(xs) if h is None else A.take(h, indices, axis=1))
        trans_x = F.transpose_sequence(xs)
        result = self.rnn(self.n_layers, self.dropout, *states, self.ws, self.bs, trans_x)
        hys = [A.take(h, inverse, axis=1) for h in result[:-1]]
        ys = permutate_list(list(F.transpose_sequence(result[-1])), indices, inv=True)
        return hys, ys


class NStepRNNTanh(NStepRNNBase):
    """Stacked Elman RNN with tanh (``F.n_step_rnn``)."""

    def rnn(self, *args):
        return F.n_step_rnn(*args, activation='tanh')


class NStepRNNReLU(NStepRNNBase):
    """Stacked Elman RNN with ReLU (``F.n_step_rnn(activation='relu')``)."""

    def rnn(self, *args):
        return F.n_step_rnn(*args, activation='relu')


class NStepBiRNNTanh(NStepRNNBase):
    """Stacked bidirectional Elman RNN with tanh (``F.n_step_birnn``)."""

    use_bi_direction = True

    def rnn(self, *args):
        return F.n_step_birnn(*args, activation='tanh')


class NStepBiRNNReLU(NStepRNNBase):
    """Stacked bidirectional Elman RNN with ReLU."""

    use_bi_direction = True

    def rnn(self, *args):
        return F.n_step_birnn(*args, activation='relu')

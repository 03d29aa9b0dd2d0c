import numpy

from chainfuse.core.variable import Variable
from chainfuse.functions.activation.softplus import softplus
from chainfuse.functions.loss import _common as C
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def negative_sampling(x, t, W, sampler, sample_size, reduce='sum', **kwargs):
    """Negative sampling loss (Mikolov et al.) of embeddings x (N, D) with targets t (N,)
    against the output vectors W (V, D)::

        L_n = -log sigmoid(x_n . W[t_n]) - sum_k log sigmoid(-x_n . W[s_nk])

    with `sample_size` negatives per row from ``sampler((N, sample_size + 1))`` (its
    first column is replaced by t, as in Chainer, so the random stream matches).  Rows
    with t == -1 count 0.  ``reduce='sum'`` sums, ``'no'`` returns L; with
    ``return_samples=True`` also the (N, sample_size + 1) samples.  A sampler built
    from ops (`L.NegativeSampling`'s) keeps a compiled model's draws fresh."""
    return_samples = kwargs.pop('return_samples', False)
    if kwargs:
        raise TypeError(f'negative_sampling() got unexpected keyword argument(s) '
                        f'{sorted(kwargs)}')
    C.check_reduce('negative_sampling', reduce, ('sum', 'no'))
    if x.ndim != 2 or W.ndim != 2 or t.ndim != 1 or t.shape[0] != x.shape[0] or \
            t.dtype.kind != 'i' or W.shape[1] != x.shape[1]:
        raise OpTypeError('negative_sampling', f'x must be (N, D), t (N,) integer and W '
                                               f'(V, D), got {tuple(x.shape)}, '
                                               f'{t.dtype.name}{tuple(t.shape)} and '
                                               f'{tuple(W.shape)}')
    n = x.shape[0]
    drawn = sampler((n, int(sample_size) + 1))
    valid = E.not_equal(t, -1)
    t_safe = E.mul(t, E.astype(valid, dtype=t.dtype))
    full = A.Slice(None, None, None)
    rest = A.getitem(drawn, key=(full, A.Slice(1, None, None)))
    if rest.dtype != t_safe.dtype:
        rest = E.astype(rest, dtype=t_safe.dtype)
    samples = A.concat(A.reshape(t_safe, shape=(n, 1)), rest, axis=1)
    w = A.take(W, samples, axis=0)                                   # (N, k + 1, D)
    wx = A.reshape(linalg.matmul(w, A.reshape(x, shape=(n, x.shape[1], 1))),
                   shape=(n, int(sample_size) + 1))
    sign = numpy.ones((1, int(sample_size) + 1), dtype=x.dtype)
    sign[0, 0] = -1.0
    losses = R.sum(softplus(E.mul(wx, sign)), axis=(1,))
    losses = E.mul(losses, E.astype(valid, dtype=x.dtype))
    loss = losses if reduce == 'no' else R.sum(losses)
    if return_samples:
        return loss, (samples.array if isinstance(samples, Variable) else samples)
    return loss

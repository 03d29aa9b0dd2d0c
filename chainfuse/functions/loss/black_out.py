from chainfuse.functions.loss import _common as C
from chainfuse.functions.math.logsumexp import logsumexp
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R


def black_out(x, t, W, samples, reduce='mean'):
    """BlackOut loss (Ji et al.) of x (N, D) with targets t (N,) and negative samples
    (N, K) against output vectors W (V, D): with scores ``p = x . W[t]`` and
    ``q_k = x . W[s_k]`` and ``log Z = logsumexp([p, q])``::

        L_n = -(p - log Z + sum_k log(1 - exp(q_k - log Z)))

    averaged over N (``reduce='mean'``) or not (``'no'``)."""
    C.check_reduce('black_out', reduce)
    n, d = x.shape
    col = A.reshape(x, shape=(n, d, 1))
    neg = A.reshape(linalg.matmul(A.take(W, samples, axis=0), col), shape=tuple(samples.shape))
    pos = A.reshape(linalg.matmul(A.reshape(A.take(W, t, axis=0), shape=(n, 1, d)), col),
                    shape=(n, 1))
    logz = logsumexp(A.concat(pos, neg, axis=1), axis=1)
    ny = E.log(E.sub(1.0, E.exp(E.sub(neg, A.reshape(logz, shape=(n, 1))))))
    losses = E.neg(E.add(E.sub(A.reshape(pos, shape=(n,)), logz), R.sum(ny, axis=(1,))))
    if reduce == 'no':
        return losses
    return E.div(R.sum(losses), float(max(n, 1)))

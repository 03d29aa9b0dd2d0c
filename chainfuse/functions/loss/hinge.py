from chainfuse.functions.loss import _common as C
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def hinge(x, t, norm='L1', reduce='mean'):
    """One-vs-rest hinge loss for x (N, K) and labels t (N,).

    Entry (n, k) is ``max(0, 1 - delta * x[n, k])`` with ``delta = 1`` for the true class
    ``k == t[n]`` and -1 otherwise, squared for ``norm='L2'``.  ``reduce='mean'`` sums
    everything and divides by N; ``'no'`` returns the (N, K) array.
    """
    if norm not in ('L1', 'L2'):
        raise NotImplementedError(f"hinge: norm should be either 'L1' or 'L2', got {norm!r}")
    C.check_reduce('hinge', reduce)
    C.check_float('hinge', x)
    C.check_labels('hinge', t)
    if x.ndim != 2 or t.ndim != 1 or x.shape[0] != t.shape[0]:
        raise OpTypeError('hinge', f'x must be (N, K) and t (N,), got x {tuple(x.shape)} and '
                                   f't {tuple(t.shape)}')
    n, k = x.shape
    classes = C.array_module(x).arange(k, dtype=t.dtype)[None, :]
    is_true = E.equal(A.reshape(t, shape=(n, 1)), classes)
    margin = E.maximum(0.0, E.add(E.where(is_true, E.neg(x), x), 1.0))   # 0 wins a tie
    losses = margin if norm == 'L1' else E.mul(margin, margin)
    if reduce == 'no':
        return losses
    return C.total_of(losses, float(max(n, 1)))


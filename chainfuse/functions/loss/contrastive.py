from chainfuse.functions.loss import _common as C
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def _check_pairs(name, *xs):
    for x in xs:
        if x.ndim != 2 or tuple(x.shape) != tuple(xs[0].shape) or x.dtype.kind != 'f':
            raise OpTypeError(name, f'inputs must be float arrays (N, K) of one shape, got '
                                    f'{[tuple(v.shape) for v in xs]}')


def contrastive(x0, x1, y, margin=1, reduce='mean'):
    """Contrastive loss (Hadsell et al.) of pairs labelled similar (y = 1) or not (0):
    ``L_n = (y d^2 + (1 - y) max(margin - d, 0)^2) / 2`` with d the L2 distance of the
    rows; ``reduce='mean'`` sums and divides by N, ``'no'`` returns L.  The gradient of d
    at d = 0 is taken as 0 (not nan)."""
    C.check_reduce('contrastive', reduce)
    _check_pairs('contrastive', x0, x1)
    if y.ndim != 1 or y.shape[0] != x0.shape[0] or y.dtype.kind not in 'iub':
        raise OpTypeError('contrastive', f'y must be N integer labels, got {y.dtype.name} '
                                         f'{tuple(y.shape)}')
    diff = E.sub(x0, x1)
    dist_sq = R.sum(E.mul(diff, diff), axis=(1,))
    positive = E.greater(dist_sq, 0.0)
    dist = E.where(positive, E.sqrt(E.where(positive, dist_sq, 1.0)), 0.0)
    hinge = E.maximum(E.sub(float(margin), dist), 0.0)
    label = E.astype(y, dtype=x0.dtype)
    losses = E.mul(E.add(E.mul(label, dist_sq), E.mul(E.sub(1.0, label), E.mul(hinge, hinge))),
                   0.5)
    if reduce == 'no':
        return losses
    return C.total_of(losses, float(max(x0.shape[0], 1)))

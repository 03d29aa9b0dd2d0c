from chainfuse.functions.loss import _common as C
from chainfuse.functions.loss.contrastive import _check_pairs
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def triplet(anchor, positive, negative, margin=0.2, reduce='mean'):
    """Triplet loss (Schroff et al.): ``max(|a - p|^2 - |a - n|^2 + margin, 0)`` per row
    (squared L2 distances); mean over N or per row (``reduce='no'``)."""
    C.check_reduce('triplet', reduce)
    _check_pairs('triplet', anchor, positive, negative)
    dp = E.sub(anchor, positive)
    dn = E.sub(anchor, negative)
    dist = E.add(R.sum(E.sub(E.mul(dp, dp), E.mul(dn, dn)), axis=(1,)), float(margin))
    losses = E.maximum(dist, 0.0)
    if reduce == 'no':
        return losses
    return C.total_of(losses, float(max(anchor.shape[0], 1)))

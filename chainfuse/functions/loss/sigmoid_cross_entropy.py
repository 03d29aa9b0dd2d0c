from chainfuse.functions.activation.softplus import abs_for_logistic
from chainfuse.functions.loss import _common as C
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError

IGNORE_LABEL = -1


def sigmoid_cross_entropy(x, t, normalize=True, reduce='mean'):
    """Cross entropy of ``sigmoid(x)`` against binary labels t (0 or 1; -1 is ignored).

    Per element, in the form that never overflows (as Chainer):
    ``-(x * (t - (x >= 0)) - log1p(exp(-|x|)))``, whose gradient is ``sigmoid(x) - t``
    (also at x = 0, see `abs_for_logistic`).
    ``reduce='mean'`` divides the sum by the number of non-ignored labels
    (``normalize=True``) or by the batch size; ``reduce='no'`` returns x's shape with 0
    for ignored entries.
    """
    C.check_reduce('sigmoid_cross_entropy', reduce)
    C.check_float('sigmoid_cross_entropy', x)
    C.check_labels('sigmoid_cross_entropy', t)
    if tuple(x.shape) != tuple(t.shape):
        raise OpTypeError('sigmoid_cross_entropy', f'x and t must have the same shape, got '
                                                   f'{tuple(x.shape)} and {tuple(t.shape)}')
    dtype = x.dtype
    step = E.astype(E.greater_equal(x, 0.0), dtype=dtype)
    linear = E.mul(x, E.sub(E.astype(t, dtype=dtype), step))
    log_term = E.log1p(E.exp(E.neg(abs_for_logistic(x))))
    mask = C.valid_mask(t, IGNORE_LABEL, dtype)
    losses = E.neg(E.mul(E.sub(linear, log_term), mask))
    if reduce == 'no':
        return losses
    count = C.count_of(mask) if normalize else float(max(x.shape[0] if x.ndim else 1, 1))
    return C.total_of(losses, count)

from chainfuse.config import no_backprop_mode
from chainfuse.functions.evaluation._common import count_dtype, ratio
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError

IGNORE_LABEL = -1


def binary_accuracy(y, t):
    """Fraction of entries where ``y >= 0`` agrees with the binary label t (0 or 1).

    Labels equal to -1 are ignored (0 when all are).  Returns a 0-d Variable of y's
    dtype with no gradient.
    """
    if y.dtype.kind != 'f' or t.dtype.kind != 'i' or tuple(y.shape) != tuple(t.shape):
        raise OpTypeError('binary_accuracy', f'y must be float scores and t signed integer '
                                             f'labels of the same shape, got y {y.dtype.name} '
                                             f'{tuple(y.shape)} and t {t.dtype.name} '
                                             f'{tuple(t.shape)}')
    with no_backprop_mode():
        acc_dtype = count_dtype(y.dtype)
        predicted = E.astype(E.greater_equal(y, 0.0), dtype=t.dtype)
        hits = E.astype(E.equal(predicted, t), dtype=acc_dtype)
        valid = E.astype(E.not_equal(t, IGNORE_LABEL), dtype=acc_dtype)
        return ratio(hits, R.sum(valid), y.dtype)

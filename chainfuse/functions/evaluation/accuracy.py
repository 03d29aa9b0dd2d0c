from chainfuse.config import no_backprop_mode
from chainfuse.functions.evaluation._common import count_dtype, ratio
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def _check(y, t):
    if y.dtype.kind != 'f' or t.dtype.kind != 'i':
        raise OpTypeError('accuracy', f'y must be float scores and t signed integer labels, '
                                      f'got y {y.dtype.name} and t {t.dtype.name}')
    extra = tuple(y.shape[t.ndim + 1:])
    ok = y.ndim >= 2 and y.ndim >= t.ndim + 1 and t.ndim >= 1 and \
        y.shape[0] == t.shape[0] and tuple(y.shape[2:t.ndim + 1]) == tuple(t.shape[1:]) and \
        all(s == 1 for s in extra)
    if not ok:
        raise OpTypeError('accuracy', f'y must be (N, C, ...) and t (N, ...) with the same '
                                      f'trailing axes, got y {tuple(y.shape)} and t '
                                      f'{tuple(t.shape)}')


def accuracy(y, t, ignore_label=None):
    """Fraction of entries whose argmax over axis 1 of y equals the label t.

    y is (N, C, ...) and t (N, ...).  With `ignore_label`, entries labelled with it are
    left out of both counts (the accuracy is 0 when every entry is ignored).  Returns a
    0-d Variable of y's dtype with no gradient.  Built from ops (argmax, equal, sum), so
    a traced model reports it from the graph on every replay.
    """
    _check(y, t)
    with no_backprop_mode():
        pred = A.reshape(R.argmax(y, axis=(1,)), shape=tuple(t.shape))
        if pred.dtype != t.dtype:
            pred = E.astype(pred, dtype=t.dtype)
        acc_dtype = count_dtype(y.dtype)
        hits = E.astype(E.equal(pred, t), dtype=acc_dtype)
        if ignore_label is None:
            return ratio(hits, t.size, y.dtype)
        valid = E.astype(E.not_equal(t, int(ignore_label)), dtype=acc_dtype)
        return ratio(E.mul(hits, valid), R.sum(valid), y.dtype)

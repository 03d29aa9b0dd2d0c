from chainfuse.config import no_backprop_mode
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def r2_score(pred, true, sample_weight=None, multioutput='uniform_average'):
    """Coefficient of determination ``1 - SS_res / SS_tot`` per output (axis 0 is the
    sample axis), 0 where the targets are constant; averaged over the outputs
    (``multioutput='uniform_average'``) or not (``'raw_values'``).  No gradient."""
    if sample_weight is not None:
        raise NotImplementedError('r2_score: sample_weight is not supported (nor in Chainer)')
    if multioutput not in ('uniform_average', 'raw_values'):
        raise ValueError("r2_score: multioutput must be 'uniform_average' or 'raw_values', "
                         f'got {multioutput!r}')
    if tuple(pred.shape) != tuple(true.shape) or pred.dtype != true.dtype or \
            pred.dtype.kind != 'f':
        raise OpTypeError('r2_score', f'pred and true must be float arrays of one shape and '
                                      f'dtype, got {pred.dtype.name}{tuple(pred.shape)} and '
                                      f'{true.dtype.name}{tuple(true.shape)}')
    with no_backprop_mode():
        d = E.sub(pred, true)
        ss_res = R.sum(E.mul(d, d), axis=(0,))
        n = float(max(true.shape[0], 1))
        c = E.sub(true, E.div(R.sum(true, axis=(0,), keepdims=True), n))
        ss_tot = R.sum(E.mul(c, c), axis=(0,))
        zero = E.equal(ss_tot, 0.0)
        ratio = E.div(ss_res, E.where(zero, 1.0, ss_tot))
        ret = E.where(zero, 0.0, E.sub(1.0, ratio))
        if multioutput == 'uniform_average':
            return E.div(R.sum(ret), float(max(ret.size, 1)))
        return ret

from chainfuse.functions.loss import _common as C
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def huber_loss(x, t, delta, reduce='sum_along_second_axis'):
    """Huber loss: ``d**2 / 2`` where ``|d| <= delta``, else ``delta * (|d| - delta / 2)``,
    with ``d = x - t``.

    ``reduce='sum_along_second_axis'`` (Chainer's default) sums over axis 1; ``'no'``
    returns the elementwise values.
    """
    C.check_reduce('huber_loss', reduce, ('sum_along_second_axis', 'no'))
    C.check_float('huber_loss', x)
    C.check_same_shape('huber_loss', x, t, ('x', 't'))
    delta = float(delta)
    d = E.sub(x, t)
    a = E.absolute(d)
    quadratic = E.mul(E.mul(d, d), 0.5)
    linear = E.mul(E.sub(a, 0.5 * delta), delta)
    losses = E.where(E.less_equal(a, delta), quadratic, linear)
    if reduce == 'no':
        return losses
    return R.sum(losses, axis=(1,))

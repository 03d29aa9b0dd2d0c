from chainfuse.ops import elementwise as E


def leaky_relu(x, slope=0.2):
    """Leaky ReLU: ``x`` where ``x > 0``, else ``slope * x`` (Chainer's default slope 0.2).

    One ``where`` over the sign of x, so the gradient is 1 or `slope` and double
    backprop goes through the same selection.  At ``x == 0`` the gradient is `slope`,
    as in Chainer (its kernel tests ``x <= 0``).
    """
    return E.where(E.greater(x, 0.0), x, E.mul(x, float(slope)))

from chainfuse.ops import elementwise as E


def abs_for_logistic(z):
    """``|z|`` as ``where(z >= 0, z, -z)``: its gradient at 0 is +1 rather than the
    ``sign(0) = 0`` of the abs op.

    In ``max(0, z) + log1p(exp(-|z|))`` (and the logistic losses) the two kinks at 0
    cancel only when both pieces take the same side: the max op hands a tie to its
    first argument, so ``maximum(z, 0)`` has gradient 1 at 0, and this abs gives the
    log term -1/2, for the true derivative 1/2.
    """
    return E.where(E.greater_equal(z, 0.0), z, E.neg(z))


def softplus(x, beta=1.0):
    """``log(1 + exp(beta * x)) / beta``, computed without overflow.

    With ``z = beta * x``: ``log(1 + exp(z)) = max(0, z) + log1p(exp(-|z|))``; the
    exponential never sees a positive argument, and the sum is smooth even though each
    term has a kink at 0 (the gradient there is exactly 1/2: see `abs_for_logistic`).
    """
    beta = float(beta)
    z = E.mul(x, beta) if beta != 1.0 else x
    y = E.add(E.maximum(z, 0.0), E.log1p(E.exp(E.neg(abs_for_logistic(z)))))
    return E.div(y, beta) if beta != 1.0 else y

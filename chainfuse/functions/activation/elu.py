from chainfuse.ops import elementwise as E

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    The negative branch is ``expm1(min(0, x))``: clamping first keeps it finite where it
    is not selected, so its (masked) gradient cannot turn into ``0 * inf = nan``.  The
    min op hands a tie to its first argument, x, so at x = 0 the gradient is `alpha`, as
    in Chainer.
    """
    negative = E.mul(E.expm1(E.minimum(x, 0.0)), float(alpha))
    return E.where(E.greater(x, 0.0), x, negative)


def selu(x, alpha=SELU_ALPHA, scale=SELU_SCALE):
    """Scaled ELU: ``scale * elu(x, alpha)`` with the self-normalizing constants."""
    return E.mul(elu(x, alpha), float(scale))

from chainfuse.ops import linalg


def cholesky(a):
    """Lower-triangular Cholesky factor L of a symmetric positive definite matrix
    (``L L^T = a``).  As in Chainer, the gradient is the symmetric part of
    ``L^-T Phi(L^T gL) L^-1`` (Phi: the lower triangle with a halved diagonal)."""
    return linalg.cholesky(a)

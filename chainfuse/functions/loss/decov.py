import numpy

from chainfuse.functions._util import array_module
from chainfuse.functions.loss.cross_covariance import centered, half_squared_sum
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg


def decov(h, reduce='half_squared_sum'):
    """DeCov loss (Cogswell et al.): the covariance of the columns of h (N, D) over the
    batch with its diagonal zeroed; ``'half_squared_sum'`` returns half its squared
    Frobenius norm, ``'no'`` the matrix."""
    hc = centered('decov', h)
    d = h.shape[1]
    off_diagonal = array_module(h).asarray(1.0 - numpy.eye(d), dtype=h.dtype)
    cov = E.mul(E.div(linalg.matmul(hc, hc, transa=True), float(max(h.shape[0], 1))),
                off_diagonal)
    return half_squared_sum('decov', cov, reduce)

import numpy

from chainfuse import random as cf_random
from chainfuse.functions._util import array_module, check_axis
from chainfuse.functions.activation.softmax import softmax
from chainfuse.core.variable import Variable
from chainfuse.functions.noise.dropout import device_name
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops

_TINY = float(numpy.finfo(numpy.float64).tiny)


def gumbel_softmax(log_pi, tau=0.1, axis=1):
    """A sample of the Gumbel-softmax (concrete) distribution:
    ``softmax((log_pi + g) / tau, axis)`` with standard Gumbel noise
    ``g = -log(-log(u))`` (u uniform in (0, 1), drawn by the ``uniform`` random op with a
    fresh key: new noise on every call and every compiled replay).  Drawn in training
    and test mode alike, as in Chainer."""
    if log_pi.ndim < 1:
        return Variable(array_module(log_pi).ones((), log_pi.dtype))
    axis = check_axis('gumbel_softmax', axis, log_pi.ndim)
    u = random_ops.uniform(cf_random.next_key(), shape=tuple(log_pi.shape),
                           dtype=numpy.dtype(numpy.float64), device=device_name(log_pi))
    g = E.neg(E.log(E.neg(E.log(E.maximum(u, _TINY)))))
    g = E.astype(g, dtype=log_pi.dtype)
    return softmax(E.div(E.add(log_pi, g), float(tau)), axis=axis)

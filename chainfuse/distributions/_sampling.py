"""Where the distributions' random numbers come from.

Two kinds of draws, as the compiler needs them:

- **Registry random ops** (`standard_normal`, `uniform_open`): a fresh key from
  `chainfuse.random.next_key()` feeds the ``normal``/``uniform`` op, so a sample is an
  ordinary op output: eagerly it is drawn now, and in a compiled call the key is an
  ``rng`` input of the plan, so every replay draws fresh numbers (never a frozen
  sample) and the same seed gives the same numbers eagerly and compiled.  Normal,
  LogNormal, MultivariateNormal, Uniform, Exponential, Laplace, Cauchy, Gumbel and
  Pareto transform such draws (reparameterized where Chainer is: gradients reach loc
  and scale); Bernoulli, Categorical, OneHotCategorical and Geometric invert their CDF
  at a uniform draw.
- **numpy's (or cupy's) global generator** (`global_draw`), as Chainer draws Gamma,
  Beta, Chisquare, Dirichlet and Poisson samples: the same ``numpy.random.seed`` gives
  Chainer's very numbers.  These draws have no registry op, so a traced call that
  reaches one is a graph break (that call runs eagerly, with the warning naming the
  user's line), never a sample baked into the plan.
"""
import numpy

from chainfuse import random as cf_random
from chainfuse.core import tracing
from chainfuse.core.variable import Variable
from chainfuse.functions.noise.dropout import device_name, draw_dtype
from chainfuse.ops import elementwise as E
from chainfuse.ops import random as random_ops


def _draw(op, shape, like):
    dtype = numpy.dtype(like.dtype)
    eps = op(cf_random.next_key(), shape=tuple(int(s) for s in shape),
             dtype=draw_dtype(dtype), device=device_name(like))
    return eps if eps.dtype == dtype else E.astype(eps, dtype=dtype)


def standard_normal(shape, like):
    """N(0, 1) numbers of `like`'s dtype and device (float16 is drawn as float32)."""
    return _draw(random_ops.normal, shape, like)


def uniform(shape, like):
    """Uniform numbers in [0, 1) of `like`'s dtype and device."""
    return _draw(random_ops.uniform, shape, like)


def uniform_open(shape, like):
    """Uniform numbers in (0, 1): [0, 1) with 0 raised to the dtype's smallest normal
    number, for transforms that take ``log(u)``."""
    tiny = float(numpy.finfo(numpy.dtype(like.dtype)).tiny)
    return E.maximum(uniform(shape, like), tiny)


def global_draw(who, draw, *params):
    """``draw(xp, *arrays)`` with numpy's (or cupy's) global generator, on the arrays of
    the Variables `params`; a graph break when a trace is recording (see module doc)."""
    if tracing.current() is not None:
        from chainfuse.tracer.errors import GraphBreak
        raise GraphBreak(f'{who} draws from numpy.random (as Chainer does), which no '
                         'registry random op replaces: a compiled replay would repeat the '
                         'same numbers, so this call runs eagerly')
    arrays = [p.array if isinstance(p, Variable) else p for p in params]
    xp = params[0].xp if isinstance(params[0], Variable) else numpy
    return Variable(draw(xp, *arrays), requires_grad=False)

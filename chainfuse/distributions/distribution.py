"""`Distribution`, the base of `chainfuse.distributions`, and the KL-divergence registry.

A distribution holds its parameters (Variables or arrays) and computes everything from
them with chainfuse functions, so ``log_prob``, ``entropy``, moments and
`kl_divergence` are differentiable and trace into a compiled plan like any other F.*
code.  Shapes follow Chainer's sample-batch-event hierarchy: a value passed to
``log_prob`` has shape ``sample_shape + batch_shape + event_shape`` and the result
``sample_shape + batch_shape``; ``sample(sample_shape)`` returns
``sample_shape + batch_shape + event_shape``.
"""
import math

import numpy

from chainfuse import backend
from chainfuse.ops import elementwise as E


class Distribution:
    """Interface of a probability distribution (Chainer's ``chainer.Distribution``).

    Subclasses define ``batch_shape``, ``event_shape``, ``params`` and whichever of
    ``log_prob``, ``cdf``, ``icdf``, ``mean``, ``variance``, ``entropy``... they have;
    the others raise NotImplementedError.  Beyond Chainer's base, ``prob`` defaults to
    ``exp(log_prob(x))`` and ``stddev`` to ``sqrt(variance)``.  Sampling is
    ``sample_n(n)`` (shape ``(n,) + batch_shape + event_shape``), which ``sample``
    reshapes to the requested sample shape.
    """

    def _copy_to(self, target):
        target.__dict__ = dict(self.__dict__)
        return target

    def _undefined(self, what):
        return NotImplementedError(f'{type(self).__name__} does not define {what} '
                                   '(neither does Chainer 7)')

    @property
    def batch_shape(self):
        """The shape of the independent, not identically distributed part (a tuple)."""
        raise self._undefined('batch_shape')

    @property
    def event_shape(self):
        """The shape of one event, whose elements are not independent (a tuple)."""
        raise self._undefined('event_shape')

    @property
    def params(self):
        """The parameters as a dict of Variables."""
        raise self._undefined('params')

    def log_prob(self, x):
        """The logarithm of the density (or mass) at `x`."""
        raise self._undefined('log_prob')

    def prob(self, x):
        """The density (or mass) at `x`: ``exp(log_prob(x))`` unless overridden."""
        return E.exp(self.log_prob(x))

    def cdf(self, x):
        """The cumulative distribution function at `x`."""
        raise self._undefined('cdf')

    def icdf(self, x):
        """The inverse of the cumulative distribution function at probabilities `x`."""
        raise self._undefined('icdf')

    def log_cdf(self, x):
        raise self._undefined('log_cdf')

    def survival_function(self, x):
        """``1 - cdf(x)``, computed without cancellation where the class can."""
        raise self._undefined('survival_function')

    def log_survival_function(self, x):
        raise self._undefined('log_survival_function')

    def perplexity(self, x):
        raise self._undefined('perplexity')

    @property
    def mean(self):
        raise self._undefined('mean')

    @property
    def mode(self):
        raise self._undefined('mode')

    @property
    def variance(self):
        raise self._undefined('variance')

    @property
    def stddev(self):
        """``sqrt(variance)`` unless overridden."""
        return E.sqrt(self.variance)

    @property
    def covariance(self):
        raise self._undefined('covariance')

    @property
    def entropy(self):
        raise self._undefined('entropy')

    @property
    def support(self):
        """A string naming the support (``'real'``, ``'positive'``, ``'[0, 1]'``...)."""
        raise self._undefined('support')

    def sample(self, sample_shape=()):
        """Random points of shape ``sample_shape + batch_shape + event_shape`` (an int
        `sample_shape` n means ``(n,)``), drawn by `sample_n` and reshaped."""
        final_shape = tuple(self.batch_shape) + tuple(self.event_shape)
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        sample_shape = tuple(int(s) for s in sample_shape)
        samples = self.sample_n(math.prod(sample_shape))
        return samples.reshape(sample_shape + final_shape)

    def sample_n(self, n):
        """`n` random points: shape ``(n,) + batch_shape + event_shape``."""
        raise self._undefined('sample_n')

    @property
    def xp(self):
        """numpy or cupy, where the parameters live."""
        for v in self.params.values():
            xp = v.xp if hasattr(v, 'xp') else backend.get_array_module(v)
            if xp is not numpy:
                return xp
        return numpy


_KLDIVERGENCE = {}


def register_kl(Dist1, Dist2):
    """Decorator registering ``kl(dist1, dist2)`` as the KL divergence of a `Dist1`
    instance from a `Dist2` instance, for `kl_divergence` to call::

        @chainfuse.register_kl(MyDist, MyDist)
        def _kl_mine(p, q):
            return ...

    The decorated function is returned unchanged."""
    for d in (Dist1, Dist2):
        if not (isinstance(d, type) and issubclass(d, Distribution)):
            raise TypeError(f'register_kl expects two Distribution subclasses, got {d!r}')

    def decorate(kl):
        _KLDIVERGENCE[Dist1, Dist2] = kl
        return kl
    return decorate


class KLNotRegisteredError(NotImplementedError, KeyError):
    """No KL divergence is registered for the pair of types (a KeyError, as Chainer's
    lookup raises, and a NotImplementedError)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ''


def _lookup(type1, type2):
    kl = _KLDIVERGENCE.get((type1, type2))
    if kl is not None:
        return kl
    for t1 in type1.__mro__:        # a registered pair of base classes
        for t2 in type2.__mro__:
            kl = _KLDIVERGENCE.get((t1, t2))
            if kl is not None:
                return kl
    return None


def kl_divergence(dist1, dist2):
    """``KL(dist1 || dist2)``, by the function `register_kl` registered for the pair of
    types (or the nearest pair of base classes); a Variable of the batch shape."""
    kl = _lookup(type(dist1), type(dist2))
    if kl is None:
        pairs = sorted(f'({a.__name__}, {b.__name__})' for a, b in _KLDIVERGENCE)
        raise KLNotRegisteredError(
            f'kl_divergence: no KL divergence is registered for '
            f'({type(dist1).__name__}, {type(dist2).__name__}); registered pairs: '
            f'{", ".join(pairs)}.  Register one with chainfuse.register_kl.')
    return kl(dist1, dist2)


def cross_entropy(dist1, dist2):
    """``H(dist1, dist2) = entropy(dist1) + KL(dist1 || dist2)``.  (Chainer 7 calls
    ``dist1.entropy()``, which fails because ``entropy`` is a property; this reads it.)"""
    return dist1.entropy + kl_divergence(dist1, dist2)

"""Helpers shared by the distributions: cached parameters, ``x log x`` and masks.

Everything here is written with chainfuse functions on Variables, so what a
distribution computes is differentiable eagerly and records into a trace.
"""
import numpy

from chainfuse.config import config
from chainfuse.core.variable import Variable, as_variable
from chainfuse.distributions.distribution import Distribution
from chainfuse.ops import elementwise as E


class cached_property:
    """A property computed once per instance and per ``config.enable_backprop`` (as
    Chainer's ``chainer.utils.cache.cached_property``): a value first computed under
    ``no_backprop_mode`` has no graph, so it is not reused where backprop is on."""

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def __get__(self, obj, cls):
        if obj is None:
            return self
        caches = obj.__dict__.setdefault('_cached_' + self.__name__, {})
        key = bool(config.enable_backprop)
        if key not in caches:
            caches[key] = self.func(obj)
        return caches[key]

    def __set__(self, obj, value):
        raise AttributeError(f"attribute '{self.__name__}' of {type(obj).__name__} is "
                             'read-only (it is computed from the parameters)')


def parameter(name):
    """A cached property: the constructor's argument `name` (kept in ``self._given``) as
    a Variable (an array is wrapped in one that needs no gradient)."""
    def get(self):
        return as_variable(self._given[name])
    get.__name__ = name
    get.__doc__ = f'The parameter ``{name}`` as a Variable.'
    return cached_property(get)


class ScalarDistribution(Distribution):
    """Base of the distributions whose events are scalars (``event_shape == ()``): the
    batch shape is the shape of the first of ``_param_names``, ``params`` maps those
    names to the parameters, and ``support`` is ``_support``."""

    _param_names = ()
    _support = 'real'

    @property
    def batch_shape(self):
        return getattr(self, self._param_names[0]).shape

    @property
    def event_shape(self):
        return ()

    @property
    def params(self):
        return {name: getattr(self, name) for name in self._param_names}

    @property
    def support(self):
        return self._support


def logical_and(a, b):
    """Elementwise ``a and b`` of two bool Variables (where a is False, a itself)."""
    return E.where(a, b, a)


def logical_or(a, b):
    return E.where(a, a, b)


def safe_log(x, valid):
    """``log(x)`` where `valid`, 0 elsewhere: for terms a `where` masks out anyway, so
    points outside the support give neither numpy warnings nor NaN gradients."""
    return E.log(E.where(valid, x, 1.0))


def modified_xlogx(x):
    """``x * log(x)`` with the value 0 (and gradient 0) at ``x == 0``, the limit used by
    entropies of discrete distributions (Chainer's ``_modified_xlogx``)."""
    x = as_variable(x)
    positive = x > 0
    return E.where(positive, x * safe_log(x, positive), 0.0)


_modified_xlogx = modified_xlogx      # Chainer's name


def full_like(x, value):
    """A constant Variable of `x`'s shape, dtype and device filled with `value` (for
    undefined moments such as the Cauchy mean, which are NaN).  It depends on the shape
    only, so a trace may keep it as a constant."""
    return Variable(constant(numpy.full(x.shape, value, x.dtype), like=x),
                    requires_grad=False)


def constant(array, like):
    """A numpy constant (a mask, an index range) on the device of the Variable `like`."""
    xp = like.xp if isinstance(like, Variable) else numpy
    if xp is numpy:
        return array
    return like.device.send(array)  # pragma: no cover - needs a GPU

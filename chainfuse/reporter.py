"""Reporter, report and the running statistics LogReport and PrintReport build on.

A `Reporter` holds an *observation*: a dict of the values reported within its scope.
Code anywhere calls ``chainfuse.report({'loss': loss}, observer)``; the value lands
in the observation of the innermost active reporter (one stack per thread), under
``<observer name>/loss`` where the observer (usually a Link) was registered with
``add_observer(name, link)`` (a Trainer registers its model as ``main``), or under
``loss`` with no observer.  Reported Variables are copied without their graph, so
keeping an observation keeps no graph alive.

`Summary` accumulates a scalar's mean and standard deviation (weighted), `DictSummary`
one Summary per key.  Both keep sums in the arrays' own module (NumPy or CuPy), so
adding GPU values does not synchronize; only `compute_mean` results need conversion.

While a tracer records a call on this thread, it receives the values instead
(``tracer.on_report``: they become graph outputs, reported again after every replay).
"""
import collections
import contextlib
import json
import threading
import warnings

import numpy

from chainfuse import backend
from chainfuse.config import config
from chainfuse.core.tracing import local as _tracing
from chainfuse.core.variable import Variable


_local = threading.local()


def _reporters():
    stack = getattr(_local, 'reporters', None)
    if stack is None:
        stack = _local.reporters = []
    return stack


def _copy_variable(value):
    if isinstance(value, Variable):
        return Variable(value.array, requires_grad=False)
    return value


class Reporter:
    """An object that collects reported values into its `observation` dict.

    Use ``with reporter:`` (or ``reporter.scope(observation)``) to make it current, so
    that `report` calls reach it.
    """

    def __init__(self):
        self._observer_names = {}
        self.observation = {}

    def __enter__(self):
        _reporters().append(self)
        return self

    def __exit__(self, *exc):
        _reporters().pop()
        return False

    @contextlib.contextmanager
    def scope(self, observation):
        """Makes this reporter current, collecting into `observation` for the block."""
        old = self.observation
        self.observation = observation
        self.__enter__()
        try:
            yield
        finally:
            self.__exit__(None, None, None)
            self.observation = old

    def add_observer(self, name, observer):
        """Registers `observer` (any object) under `name` for reported keys."""
        self._observer_names[id(observer)] = name

    def add_observers(self, prefix, observers):
        """Registers ``(name, observer)`` pairs as ``prefix + name`` (``main/l1``...)."""
        for name, observer in observers:
            self._observer_names[id(observer)] = prefix + name

    def report(self, values, observer=None):
        """Puts `values` (name -> Variable, array or scalar) into the observation."""
        if not getattr(config, 'keep_graph_on_report', False):
            values = {k: _copy_variable(v) for k, v in values.items()}
        if observer is None:
            self.observation.update(values)
            return
        name = self._observer_names.get(id(observer))
        if name is None:
            raise KeyError(f'the observer {type(observer).__name__} is not registered to the '
                           'reporter; register it with reporter.add_observer(name, observer)')
        for key, value in values.items():
            self.observation[f'{name}/{key}'] = value


def get_current_reporter():
    """The innermost active reporter of this thread."""
    stack = _reporters()
    if not stack:
        raise RuntimeError('no reporter is active: use `with reporter:` or reporter.scope()')
    return stack[-1]


def report(values, observer=None):
    """Reports `values` to the current reporter; does nothing when none is active.

    Args:
        values (dict): name -> Variable, array or scalar.
        observer: the object reporting (a Link registered to the reporter), or None.
    """
    tracer = _tracing.tracer
    if tracer is not None and tracer.on_report(values, observer):
        return
    stack = _reporters()
    if stack:
        stack[-1].report(values, observer)


@contextlib.contextmanager
def report_scope(observation):
    """Collects the values reported within the block into `observation` (a dict)."""
    current = get_current_reporter()
    old = current.observation
    current.observation = observation
    try:
        yield
    finally:
        current.observation = old


def _as_scalar_array(value, what):
    if isinstance(value, Variable):
        value = value.array
    if backend.is_cupy_array(value) or isinstance(value, numpy.ndarray):
        if value.ndim != 0 and value.size != 1:
            raise ValueError(f'{what} must be a scalar, got an array of shape {value.shape}')
        return value.reshape(())
    return value


class Summary:
    """Online (weighted) mean and standard deviation of scalar values."""

    def __init__(self):
        self._x = 0.0
        self._x2 = 0.0
        self._n = 0

    def add(self, value, weight=1):
        """Adds a scalar (Python number, 0-d array or Variable, on any device)."""
        value = _as_scalar_array(value, 'Summary.add value')
        weight = _as_scalar_array(weight, 'Summary.add weight')
        self._x += weight * value
        self._x2 += weight * value * value
        self._n += weight

    def compute_mean(self):
        """The mean (in the values' array module; a Python float for Python values)."""
        return self._x / self._n

    def make_statistics(self):
        """(mean, std) of the values added."""
        mean = self._x / self._n
        var = self._x2 / self._n - mean * mean
        xp = backend.get_array_module(var)
        return mean, xp.sqrt(xp.maximum(var, 0))  # clamp rounding below zero

    def serialize(self, serializer):
        try:
            self._x = serializer('_x', self._x)
            self._x2 = serializer('_x2', self._x2)
            self._n = serializer('_n', self._n)
        except KeyError:
            warnings.warn('The previous statistics are not saved.')


RUNNING_TOTAL_PREFIX = 'compile/'


def is_running_total(key):
    """Whether an observation key is a running total: the ``compile/*`` values a
    compiled model reports (``compile/kernels``, ``compile/retraces``...), also under
    a prefix (``validation/compile/kernels``).  Their mean over an interval would be
    a meaningless fraction of a count: LogReport and Evaluator keep the last value."""
    return key.startswith(RUNNING_TOTAL_PREFIX) or '/' + RUNNING_TOTAL_PREFIX in key


class DictSummary:
    """One `Summary` per key of the dicts added (observations), skipping non-scalars.

    A value may be a ``(value, weight)`` tuple.
    """

    def __init__(self):
        self._summaries = collections.defaultdict(Summary)

    def add(self, d):
        summaries = self._summaries
        for k, v in d.items():
            w = 1
            if isinstance(v, tuple):
                v, w = v
                if isinstance(w, Variable):
                    w = w.array
                if not numpy.isscalar(w) and getattr(w, 'ndim', -1) != 0:
                    raise ValueError(f'the weight given to {k} is not a scalar')
            if isinstance(v, Variable):
                v = v.array
            if numpy.isscalar(v) or getattr(v, 'ndim', -1) == 0:
                summaries[k].add(v, weight=w)

    def compute_mean(self):
        """name -> mean."""
        return {name: s.compute_mean() for name, s in self._summaries.items()}

    def make_statistics(self):
        """name -> mean and ``name.std`` -> standard deviation."""
        stats = {}
        for name, s in self._summaries.items():
            mean, std = s.make_statistics()
            stats[name] = mean
            stats[name + '.std'] = std
        return stats

    def serialize(self, serializer):
        from chainfuse.serializer import Serializer
        if isinstance(serializer, Serializer):
            names = list(self._summaries)
            serializer('_names', json.dumps(names))
            for index, name in enumerate(names):
                self._summaries[name].serialize(serializer['_summaries'][str(index)])
            return
        if getattr(serializer, 'dry_run', False):  # check the file, change nothing
            try:
                names = json.loads(str(serializer.stored('_names', '')))
            except KeyError:
                return
            for index, _ in enumerate(names):
                Summary().serialize(serializer['_summaries'][str(index)])
            return
        self._summaries.clear()
        try:
            names = json.loads(serializer('_names', ''))
        except KeyError:
            warnings.warn('The names of statistics are not saved.')
            return
        for index, name in enumerate(names):
            self._summaries[name].serialize(serializer['_summaries'][str(index)])

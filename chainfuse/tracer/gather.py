"""How a replay feeds a graph: one generated function per trace.

A `Trace` knows where each runtime input of its graph comes from (its *sources*: an
argument at a `flatten` path, a parameter, a persistent, a random key, a Link attribute,
a global, a closure cell, an optimizer state, a hyperparameter).  Every compiled call
gathers those arrays, so the walk over the sources is on the hot path of a small step
(56 sources for an MLP with Adam).  `build_gatherer(sources, hyper_dtypes)` writes the
walk out as straight-line Python, once per trace, the way the plan's executor is
written out (`chainfuse.compiler.executor`)::

    def gather(args, kwargs, keys):
        x = args[0]
        i0 = x._data if isinstance(x, Variable) else x
        i1 = P1._data
        if i1 is None:
            uninitialized(P1)
        hp4 = R4.step_hyperparams()
        i4 = hyper(4, hp4['lr'])
        ...
        return [i0, i1, ..., i4]

Each update rule's ``step_hyperparams()`` is called once per call, as before.  A
hyperparameter becomes a 0-d array of the graph's dtype; `hyper` keeps the last one per
input and hands it out again while the Python value is the same (same type and value,
the sign of a zero included; Python scalars only), so a constant learning rate costs
one comparison, not a new array, per call.  The array is shared by those calls, which
is safe because a plan writes in place only into its own buffers and into donated state
(`chainfuse.compiler.memory`), never into a hyperparameter input.  (It is not marked
read-only: Numba types a read-only array differently, so kernels would need another
signature.)
"""
import math

import numpy

from chainfuse import random as cf_random
from chainfuse.core.variable import Variable
from chainfuse.tracer.errors import TraceError
from chainfuse.tracer.guards import leaf_at


def _uninitialized(param):
    raise TraceError(f'parameter {param.name} is uninitialized at replay')


_SCALARS = (float, int, bool)


def _same_scalar(a, b):
    """Whether two Python scalars give the same 0-d array: the same type and value, and
    for zeros the same sign (NaN is never the same)."""
    return type(a) is type(b) and a == b and (a != 0 or math.copysign(1, a) ==
                                              math.copysign(1, b))


class _HyperCache:
    """The last 0-d array made for each hyperparameter input, with its Python value."""

    def __init__(self, dtypes):
        self.dtypes = dtypes            # input index -> numpy dtype
        self.last = {}                  # input index -> (value, read-only 0-d array)

    def __call__(self, index, value):
        if type(value) not in _SCALARS:     # an array or a numpy scalar: as it comes
            return numpy.asarray(value, dtype=self.dtypes[index])
        last = self.last.get(index)
        if last is not None and _same_scalar(last[0], value):
            return last[1]
        a = numpy.asarray(value, dtype=self.dtypes[index])
        self.last[index] = (value, a)
        return a


def _arg_source(i, path, ns):
    if path and path[0] == 0 and len(path) == 2 and type(path[1]) is int:
        fetch = f'args[{path[1]}]'
    else:
        ns[f'K{i}'] = path
        fetch = f'leaf_at(args, kwargs, K{i})'
    return [f'x = {fetch}', f'i{i} = x._data if isinstance(x, Variable) else x']


def build_gatherer(sources, hyper_dtypes, label='trace'):
    """``(gather, source)``: ``gather(args, kwargs, keys)`` returns the arrays for the
    runtime inputs described by `sources`; random keys come from `keys` (an iterable)
    when given, else fresh from chainfuse's generator.  `label` names the code object
    (``<gather label>``, seen in tracebacks and profiles)."""
    ns = {'Variable': Variable, 'leaf_at': leaf_at, 'uninitialized': _uninitialized,
          'next_key': cf_random.next_key, 'hyper': _HyperCache(hyper_dtypes)}
    lines = ['def gather(args, kwargs, keys):']
    body = []
    if any(src[0] == 'rng' for src in sources):
        body.append('keys = iter(keys) if keys else None')
    rules = {}              # id(rule) -> the name of its step_hyperparams() of this call
    for i, src in enumerate(sources):
        kind = src[0]
        if kind == 'arg':
            body += _arg_source(i, src[1], ns)
        elif kind == 'param':
            ns[f'P{i}'] = src[1]
            body += [f'i{i} = P{i}._data', f'if i{i} is None:',
                     f'    uninitialized(P{i})']
        elif kind == 'persistent':
            ns[f'L{i}'], ns[f'N{i}'] = src[1], src[2]
            body.append(f'i{i} = getattr(L{i}, N{i})')
        elif kind == 'rng':
            body.append(f'i{i} = next(keys) if keys is not None else next_key()')
        elif kind == 'attr':
            ns[f'L{i}'], ns[f'N{i}'] = src[1], src[2]
            body.append(f'i{i} = L{i}.__dict__[N{i}]._data')
        elif kind in ('global', 'optstate'):
            ns[f'D{i}'], ns[f'N{i}'] = src[1], src[2]
            body.append(f'i{i} = D{i}[N{i}]' if kind == 'global' else
                        f'i{i} = D{i}.state[N{i}]')
        elif kind == 'cell':
            ns[f'C{i}'] = src[1]
            body.append(f'i{i} = C{i}.cell_contents')
        elif kind == 'hyper':
            hp = rules.get(id(src[1]))
            if hp is None:
                hp = rules[id(src[1])] = f'hp{i}'
                ns[f'R{i}'] = src[1]
                body.append(f'{hp} = R{i}.step_hyperparams()')
            ns[f'N{i}'] = src[2]
            body.append(f'i{i} = hyper({i}, {hp}[N{i}])')
        else:
            raise TraceError(f'unknown input source {kind!r}')
    body.append('return [' + ', '.join(f'i{i}' for i in range(len(sources))) + ']')
    source = '\n'.join(lines + ['    ' + line for line in body]) + '\n'
    exec(compile(source, f'<gather {label}>', 'exec'), ns)
    return ns['gather'], source

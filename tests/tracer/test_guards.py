"""Guards: call signatures (the keys of the trace caches) and pytree paths."""
import numpy
import pytest

import chainfuse as cf
from chainfuse import Variable
from chainfuse.tracer import guards


def _general(args, kwargs):
    """The signature computed the long way, through the pytree (what the flat fast path
    must equal)."""
    flat, tree = guards.flatten((args, kwargs))
    return (tuple((path, guards._leaf_sig(x)) for path, x in flat), guards._static_tree(tree),
            ('train', bool(cf.config.train)),
            ('enable_backprop', bool(cf.config.enable_backprop)))


@pytest.mark.parametrize('args', [
    (numpy.ones((2, 3), 'float32'),),
    (numpy.ones((2, 3), 'float32'), numpy.zeros(2, 'int32')),
    (Variable(numpy.ones(3, 'float64')), numpy.ones(1, 'float32')),
    (Variable(numpy.ones(3, 'float32'), requires_grad=False),),
    (),
])
def test_flat_signature_equals_the_pytree_signature(args):
    assert guards.signature(args, {}) == _general(args, {})


def test_signature_tells_apart_what_a_trace_depends_on():
    x = numpy.ones((2, 3), 'float32')
    base = guards.signature((x,), {})
    assert guards.signature((x.astype('float64'),), {}) != base
    assert guards.signature((numpy.ones((3, 3), 'float32'),), {}) != base
    assert guards.signature((Variable(x, requires_grad=True),), {}) != base
    assert guards.signature((x, 2), {}) != guards.signature((x, 3), {})
    assert guards.signature((x,), {'k': 1}) != base
    with cf.using_config('train', False):
        assert guards.signature((x,), {}) != base


def test_leaf_at_follows_flatten_paths():
    args = (numpy.ones(2), [numpy.zeros(1), {'a': numpy.full(3, 2.0)}])
    kwargs = {'y': (numpy.ones(4),)}
    for path, leaf in guards.flatten((args, kwargs))[0]:
        assert guards.leaf_at(args, kwargs, path) is leaf


# ---- flat_matcher: a repeat call's signature checked without building it ----

_X = numpy.ones((2, 3), 'float32')
_T = numpy.zeros(2, 'int32')


class _Sub(numpy.ndarray):
    pass


@pytest.mark.parametrize('args, kwargs', [
    ((_X, _T), {}),                                         # the same call
    ((_X.copy(), _T.copy()), {}),                           # other arrays, same avals
    ((_X.astype('float64'), _T), {}),                       # dtype
    ((numpy.ones((3, 3), 'float32'), _T), {}),              # shape
    ((_X,), {}),                                            # fewer arguments
    ((_X, _T, _T), {}),                                     # more
    ((_X, _T), {'k': 1}),                                   # keywords
    ((Variable(_X), _T), {}),                               # a Variable that requires grad
    ((Variable(_X, requires_grad=False), _T), {}),          # one that does not
    ((_X.view(_Sub), _T), {}),                              # an ndarray subclass
    ((_X.astype('>f4'), _T), {}),                          # another byte order
    ((_X, 3), {}),                                          # a static value
])
@pytest.mark.parametrize('base', [(_X, _T), (Variable(_X, requires_grad=False), _T),
                                  (Variable(_X), _T)])
def test_flat_matcher_agrees_with_signature_equality(args, kwargs, base):
    sig = guards.signature(base, {})
    match = guards.flat_matcher(sig)
    assert match is not None
    # it may decline a call whose signature is equal (a subclass, a Variable over a
    # subclass) -- the full lookup then runs -- but never match an unequal one
    equal = guards.signature(args, kwargs) == sig
    assert match(args, kwargs) in ((equal,) if type(args[0]) is not _Sub else (False,))


@pytest.mark.parametrize('flag', ['train', 'enable_backprop'])
def test_flat_matcher_checks_the_config_flags(flag):
    match = guards.flat_matcher(guards.signature((_X, _T), {}))
    assert match((_X, _T), {})
    with cf.using_config(flag, False):
        assert not match((_X, _T), {})


def test_flat_matcher_declines_other_signatures():
    assert guards.flat_matcher(guards.signature(((_X, _T),), {})) is None   # nested
    assert guards.flat_matcher(guards.signature((_X,), {'t': _T})) is None   # keywords
    assert guards.flat_matcher(guards.signature((_X, 3), {})) is None        # static

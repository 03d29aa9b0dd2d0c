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

"""canonicalize: ops that do nothing are dropped; every other value keeps its name."""
import numpy
import pytest

from chainfuse.compiler.passes import canonicalize
from chainfuse.testing.graphs import GraphBuilder, assert_equivalent, op_names

IDENTITIES = [
    ('reshape', dict(shape=(4, 3))),
    ('broadcast_to', dict(shape=(4, 3))),
    ('sum_to', dict(shape=(4, 3))),
    ('transpose', dict(axes=(0, 1))),
    ('astype', dict(dtype=numpy.float32)),
]


@pytest.mark.parametrize('name,attrs', IDENTITIES, ids=[n for n, _ in IDENTITIES])
def test_identity_op_is_dropped(name, attrs):
    b = GraphBuilder()
    x = b.input((4, 3))
    y = b.op('exp', b.op(name, x, **attrs))
    b.output(y)
    g = b.graph
    out = canonicalize(g).verify()
    assert op_names(out) == ['exp']
    assert out.nodes[0].inputs[0].id == x.id        # exp now reads x itself
    assert out.outputs[0][0].id == y.id             # and keeps its name
    assert_equivalent(g, out)


@pytest.mark.parametrize('name,attrs', [
    ('reshape', dict(shape=(3, 4))),
    ('broadcast_to', dict(shape=(2, 4, 3))),
    ('transpose', dict(axes=(1, 0))),
    ('astype', dict(dtype=numpy.float64)),
])
def test_op_that_changes_something_stays(name, attrs):
    b = GraphBuilder()
    b.output(b.op(name, b.input((4, 3)), **attrs))
    g = b.graph
    out = canonicalize(g).verify()
    assert op_names(out) == [name]
    assert str(out) == str(g)                       # nothing renamed
    assert_equivalent(g, out)


def test_output_that_is_an_identity_reads_the_input():
    b = GraphBuilder()
    x = b.input((2, 2))
    b.output(b.op('reshape', x, shape=(2, 2)))
    out = canonicalize(b.graph).verify()
    assert out.nodes == [] and out.outputs[0][0].id == x.id

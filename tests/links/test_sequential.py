import functools

import numpy
import pytest

from chainfuse.core.variable import Parameter, Variable
from chainfuse.links import Link, Sequential
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg


class Affine(Link):
    def __init__(self, n_in, n_out):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(numpy.eye(n_out, n_in, dtype=numpy.float32))

    def forward(self, x):
        return linalg.matmul(x, self.W, transb=True)


def relu(x):
    return E.maximum(x, 0.0)


def double(x):
    return x * 2.0


def test_forward_runs_layers_in_order():
    seq = Sequential(Affine(3, 3), relu, double)
    x = numpy.array([[1, -2, 3]], numpy.float32)
    numpy.testing.assert_array_equal(seq(x).array, [[2, 0, 6]])


def test_children_are_the_links_numbered_among_links():
    seq = Sequential(Affine(2, 2), relu, Affine(2, 1))
    assert len(seq) == 3
    assert [n for n, _ in seq.namedparams()] == ['/0/W', '/1/W']
    assert [c.name for c in seq.children()] == ['0', '1']


def test_list_operations_keep_children_in_step():
    a, b, c = Affine(2, 2), Affine(2, 2), Affine(2, 2)
    seq = Sequential(a, relu)
    seq.append(b)
    seq.insert(0, c)
    assert list(seq.children()) == [c, a, b]
    assert seq.pop(0) is c
    seq.remove(relu)
    del seq[0]
    assert list(seq) == [b] and b.name == '0'
    seq[0] = double
    assert list(seq.children()) == []
    with pytest.raises(ValueError, match='callable'):
        seq.append(3)


def test_add_flatten_and_counts():
    s1 = Sequential(Affine(2, 2), relu)
    s2 = Sequential(Affine(2, 2), relu)
    s3 = s1 + s2
    assert len(s3) == 4 and s3.count_by_layer_type('relu') == 2
    assert s3.count_by_layer_type('Affine') == 2
    nested = Sequential(Affine(2, 2), s2)
    assert len(nested.flatten()) == 3
    s1 += s2
    assert len(s1) == 4
    s1.remove_by_layer_type('relu')
    assert len(s1) == 2
    with pytest.raises(ValueError, match='Sequential'):
        s1 + [relu]


def test_tuple_outputs_are_unpacked():
    seq = Sequential(lambda x: (x, x * 3.0), lambda a, b: a + b)
    numpy.testing.assert_array_equal(seq(Variable(numpy.ones(2, numpy.float32))).array, [4, 4])


def test_copy_and_partial_layers():
    seq = Sequential(Affine(2, 2), functools.partial(E.maximum, 0.0))
    c = seq.copy('copy')
    assert c[0] is not seq[0] and c[0].W.array is not seq[0].W.array
    numpy.testing.assert_array_equal(c[0].W.array, seq[0].W.array)
    assert 'functools.partial' in str(seq)

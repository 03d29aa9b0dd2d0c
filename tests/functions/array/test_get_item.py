"""F.get_item / Variable.__getitem__: numpy semantics, gradients, errors, and integer
indices that stay inputs of a traced graph."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse import Parameter, Variable
from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError

X = numpy.arange(24.0).reshape(2, 3, 4)

KEYS = [
    0, -1, (1, 2), (slice(None), 1), (Ellipsis, None, slice(None, None, -1)),
    [1, 0], (slice(None), [2, 0, 2]), (Ellipsis, [0, 3]), (0, slice(None), [1, 2]),
    ([1, 0, 1], slice(1, 3), [0, 3, -1]), (slice(None), [[1], [2]], [0, 3]),
    (1, [0, 2], [3, 1]), X > 10, (1, X[0] > 4), (None, [1], 0),
]


@pytest.mark.parametrize('key', KEYS, ids=[repr(k)[:40] for k in KEYS])
def test_matches_numpy(key):
    y = Variable(X)[key]
    assert isinstance(y, Variable)
    numpy.testing.assert_array_equal(y.array, X[key])


def test_repeated_indices_accumulate_gradient():
    x = Variable(numpy.zeros((3, 2)))
    y = x[[0, 2, 0, 0]]
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [[3, 3], [0, 0], [1, 1]])


def test_index_variable_is_an_op_input():
    x = Variable(numpy.arange(6.0).reshape(2, 3))
    idx = Variable(numpy.array([2, 2, 0]), requires_grad=False)
    y = x[:, idx]
    assert y.creator.op.name == 'take' and y.creator.inputs[1] is idx
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [[1, 0, 2], [1, 0, 2]])


def test_basic_key_is_a_hashable_attr():
    y = Variable(X)[1:, None, ..., ::2]
    assert y.creator.op.name == 'getitem'
    key = y.creator.attrs['key']
    hash(key)
    assert repr(key) == '(1:, None, Ellipsis, ::2)'


def test_double_backprop_through_indexing():
    x = Variable(numpy.array([1.0, 2.0, 3.0]))
    y = F.sum(x[[0, 0, 2]] ** 3)
    gx, = cf.grad([y], [x], enable_double_backprop=True)
    numpy.testing.assert_allclose(gx.array, [6.0, 0.0, 27.0])
    ggx, = cf.grad([F.sum(gx)], [x])
    numpy.testing.assert_allclose(ggx.array, [12.0, 0.0, 18.0])


@pytest.mark.parametrize('key,error,match', [
    (numpy.array([0.5]), OpTypeError, 'index arrays must hold integers'),
    ((0, 0, 0, 0), OpTypeError, r'cannot index an array of shape \(2, 3, 4\) with \[0, 0, 0, 0\]'),
    ((0, 0, 0, [0]), OpTypeError, 'too many indices'),
    ((Ellipsis, Ellipsis, [0]), OpTypeError, 'single Ellipsis'),
    (numpy.ones((3, 4), bool), OpTypeError, r'boolean mask of shape \(3, 4\) does not match'),
    ([0, 5], IndexError, 'out of bounds'),
    ((slice(None), [0], [9]), IndexError, 'out of bounds'),
    (5, OpTypeError, 'getitem: cannot index an array of shape'),
    ('a', OpTypeError, 'unsupported index str'),
])
def test_bad_keys_raise_clear_errors(key, error, match):
    with pytest.raises(error, match=match):
        F.get_item(X, key)


def test_getitem_op_rejects_array_keys():
    with pytest.raises(OpTypeError, match='static key holds ints, slices'):
        A.normalize_key((numpy.array([0, 1]),))


def test_compiled_function_is_fed_new_indices():
    rng = numpy.random.default_rng(0)
    W = Parameter(rng.standard_normal((4, 5)).astype(numpy.float32))

    def f(x, t, i):
        h = F.matmul(x, W)
        return F.sum(F.select_item(h, t)) + F.sum(h[:, i] * h[:, i])

    cfn = cf.compile(f, fallback='raise')
    for _ in range(3):
        x = rng.standard_normal((3, 4)).astype(numpy.float32)
        t = rng.integers(0, 5, size=3).astype(numpy.int32)
        i = rng.integers(0, 5, size=2)
        grads = []
        for fn in (cfn, f):
            W.cleargrad()
            y = fn(x, t, i)
            y.backward()
            grads.append((y.array, W.grad.copy()))
        numpy.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-5)
        numpy.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-6)
    assert cfn.stats['compiled_calls'] == 3 and len(cfn.cache.misses) == 1

"""maximum/minimum ties: the gradient goes to the first argument (Chainer's rule) in eager,
compiled and compiled-step modes; the activations built on them keep Chainer's gradient
at their kinks."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R

X = numpy.array([1.0, -2.0, 0.5, 3.0], numpy.float32)
Y = numpy.array([1.0, 0.0, 0.5, -1.0], numpy.float32)   # ties at 0 and 2


class _Pair(cf.Chain):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        with self.init_scope():
            self.a = cf.Parameter(X.copy())
            self.b = cf.Parameter(Y.copy())

    def forward(self):
        return R.sum(self.fn(self.a, self.b) * numpy.arange(1, 5, dtype=numpy.float32))


def _grads(fn, mode):
    """d/da and d/db of sum(fn(a, b) * [1, 2, 3, 4])."""
    model = _Pair(fn)
    if mode == 'step':
        opt = cf.optimizers.SGD(1.0)
        opt.setup(model)
        cf.compile_step(opt)()
        return X - model.a.array, Y - model.b.array
    run = model if mode == 'eager' else cf.compile(model, fallback='raise')
    run().backward()
    return model.a.grad, model.b.grad


@pytest.mark.parametrize('mode', ['eager', 'compiled', 'step'])
@pytest.mark.parametrize('op', [E.maximum, E.minimum, F.maximum, F.minimum])
def test_a_tie_sends_the_gradient_to_the_first_input(op, mode):
    ga, gb = _grads(op, mode)
    first = (X >= Y) if op in (E.maximum, F.maximum) else (X <= Y)
    w = numpy.arange(1, 5, dtype=numpy.float32)
    numpy.testing.assert_array_equal(ga, w * first)
    numpy.testing.assert_array_equal(gb, w * ~first)


@pytest.mark.parametrize('mode', ['eager', 'compiled', 'step'])
@pytest.mark.parametrize('op', [E.maximum, E.minimum])
def test_an_input_with_itself_gets_the_whole_gradient(op, mode):
    ga, gb = _grads(lambda a, b: op(a, a) + 0.0 * b, mode)
    numpy.testing.assert_array_equal(ga, numpy.arange(1, 5, dtype=numpy.float32))


@pytest.mark.parametrize('fn,at,grad', [
    (F.relu, [0.0], [0.0]),
    (lambda x: F.clipped_relu(x, 2.0), [0.0, 2.0], [0.0, 0.0]),
    (F.hard_sigmoid, [-2.5, 2.5], [0.0, 0.0]),
    (lambda x: F.clip(x, -1.0, 1.0), [-1.0, 1.0], [1.0, 1.0]),
    (lambda x: F.elu(x, 0.5), [0.0], [0.5]),
    (F.softplus, [0.0], [0.5]),
])
@pytest.mark.parametrize('mode', ['eager', 'compiled'])
def test_kinks_keep_chainers_gradient(fn, at, grad, mode):
    x = cf.Variable(numpy.array(at, numpy.float32))
    run = (lambda v: F.sum(fn(v))) if mode == 'eager' else cf.compile(
        lambda v: F.sum(fn(v)), fallback='raise')
    run(x).backward()
    numpy.testing.assert_allclose(x.grad, grad)

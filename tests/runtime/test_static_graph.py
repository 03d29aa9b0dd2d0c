"""Chainer's @static_graph / @static_code on chainfuse's compiler: Chainer's options are
accepted, and a static_code side effect runs exactly once per call, as it does eagerly
(the compiled call falls back to eager for that signature, with a warning)."""
import warnings

import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import static_code, static_graph


class MLPSideEffect(chainer.Chain):
    """Chainer's examples/static_graph_optimizations/mnist model with a side effect."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(4, 5)
            self.l2 = L.Linear(5, 3)
        self.side_effect_counter = 0
        self.seen = []

    @static_code
    def example_side_effect(self):
        self.side_effect_counter += 1
        self.seen.append(self.side_effect_counter)

    @static_graph
    def __call__(self, x):
        self.example_side_effect()
        return self.l2(F.relu(self.l1(x)))


def run(model, xs):
    losses, grads = [], []
    for x in xs:
        model.cleargrads()
        loss = F.sum(model(x))
        loss.backward()
        losses.append(loss.array.copy())
        grads.append(model.l1.W.grad.copy())
    return losses, grads


def test_static_code_runs_every_call_compiled_as_eagerly():
    xs = [numpy.random.RandomState(i).randn(2, 4).astype(numpy.float32) for i in range(4)]
    compiled, eager = MLPSideEffect(), MLPSideEffect()
    eager.copyparams(compiled)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        got = run(compiled, xs)
    with chainer.eager():
        want = run(eager, xs)
    assert compiled.side_effect_counter == eager.side_effect_counter == 4
    assert compiled.seen == eager.seen == [1, 2, 3, 4]
    for a, b in zip(got[0] + got[1], want[0] + want[1]):
        numpy.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    messages = [str(w.message) for w in caught]
    assert sum('@static_code function MLPSideEffect.example_side_effect' in m
               for m in messages) == 1
    assert 'test_static_graph.py' in messages[0]            # the user's line


def test_static_code_outside_a_trace_is_a_plain_call():
    calls = []

    @static_code(func_name='note')
    def note(value):
        calls.append(value)
        return value * 2

    assert note(3) == 6 and calls == [3]


@pytest.mark.parametrize('options', [
    dict(check_input_types=False), dict(minimize_cache_size=False), dict(verbosity_level=2)])
def test_chainers_static_graph_options_are_accepted(options):
    class Net(chainer.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)

        @static_graph(**options)
        def __call__(self, x):
            return F.tanh(self.l1(x))

    net = Net()
    x = numpy.ones((2, 4), numpy.float32)
    y = net(x)
    assert type(y.creator).__name__ == 'CompiledFunction'
    with chainer.eager():
        numpy.testing.assert_allclose(y.array, net(x).array, rtol=1e-6)


def test_double_backprop_and_use_static_graph_false_run_eagerly():
    class Net(chainer.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)

        @static_graph(enable_double_backprop=True)
        def __call__(self, x):
            return F.tanh(self.l1(x))

    x = numpy.ones((2, 4), numpy.float32)
    net = Net()
    assert type(net(x).creator).__name__ != 'CompiledFunction'

    class Other(chainer.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(4, 3)

        @static_graph
        def __call__(self, x):
            return F.tanh(self.l1(x))

    other = Other()
    with chainer.using_config('use_static_graph', False):
        assert type(other(x).creator).__name__ != 'CompiledFunction'
    assert type(other(x).creator).__name__ == 'CompiledFunction'

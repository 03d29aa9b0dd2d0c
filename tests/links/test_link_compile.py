"""A Link's parameters and persistents, as the tracer and `chainfuse.compile` see them:
graph inputs named by their path, persistent updates written back after each run."""
import numpy

import chainfuse
from chainfuse.core.state import update_state
from chainfuse.core.variable import Parameter
from chainfuse.links import Chain, Link
from chainfuse.ops import linalg, reduction


class Counter(Link):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(numpy.full((2, 2), 0.5, numpy.float32))
        self.add_persistent('total', numpy.zeros(2, numpy.float32))

    def forward(self, x):
        y = linalg.matmul(x, self.W)
        update_state(self.total, self.total + reduction.sum(y, axis=(0,), keepdims=False))
        return reduction.sum(y, axis=None, keepdims=False)


class Net(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.inner = Counter()

    def forward(self, x):
        return self.inner(x)


def test_compiled_link_uses_paths_and_writes_persistents_back():
    from chainfuse.runtime import compile
    x = numpy.ones((3, 2), numpy.float32)
    eager, compiled = Net(), compile(Net())
    for _ in range(3):
        ye, yc = eager(x), compiled(x)
    numpy.testing.assert_allclose(yc.array, ye.array)
    numpy.testing.assert_allclose(compiled.inner.total, eager.inner.total)
    graph = str(compiled._chainfuse_compiled.entries[0].trace.graph)
    assert '/inner/W' in graph and '/inner/total' in graph
    compiled.cleargrads()
    compiled(x).backward()
    numpy.testing.assert_allclose(compiled.inner.W.grad, numpy.full((2, 2), 3.0))
    assert chainfuse.links.Link in type(compiled).__mro__


def test_replacing_a_parameter_of_a_compiled_link_retraces():
    from chainfuse.runtime import compile
    x = numpy.ones((3, 2), numpy.float32)
    model = compile(Net())
    model(x)
    model(x)
    with model.inner.init_scope():
        model.inner.W = Parameter(numpy.full((2, 2), 2.0, numpy.float32))
    y = model(x)
    numpy.testing.assert_allclose(y.array, 24.0)      # ones(3, 2) @ full(2, 2, 2.0)
    state = model._chainfuse_compiled
    assert state.cache.misses[-1] == "the model's parameters changed since it was traced"
    model.cleargrads()
    model(x).backward()
    numpy.testing.assert_allclose(model.inner.W.grad, numpy.full((2, 2), 3.0))

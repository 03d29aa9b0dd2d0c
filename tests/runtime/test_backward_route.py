"""One route to every compiled backward pass: the IR's reverse walk over the ops' vjp
rules (chainfuse.tracer.reverse), whether the compiler's autodiff pass derives it
(compile) or traced code calls backward() or chainfuse.grad() (compile_step)."""
import warnings

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.compiler.passes import autodiff
from chainfuse.core.function_node import FunctionNode
from chainfuse.ops import elementwise as E
from chainfuse.runtime.step import TrainingStep
from chainfuse.tracer.errors import GraphBreak
from chainfuse.tracer.trace import trace


class MLP(chainfuse.Chain):
    def __init__(self, seed=0):
        super().__init__()
        rng = numpy.random.RandomState(seed)
        with self.init_scope():
            self.l1 = L.Linear(3, 4, initialW=rng.randn(4, 3).astype('f'))
            self.l2 = L.Linear(4, 2, initialW=rng.randn(2, 4).astype('f'))

    def forward(self, x):
        return F.sum(F.tanh(self.l2(F.relu(self.l1(x)))) ** 2)


X = numpy.random.RandomState(1).rand(5, 3).astype('f')


def _kernel_ops(graph):
    return [n.op.name for n in graph.nodes]


def test_a_traced_step_differentiates_like_the_autodiff_pass():
    model = MLP()
    opt = chainfuse.optimizers.SGD(lr=0.1)
    opt.setup(model)
    opt.update(model, X)                        # the eager first step makes the state
    step_graph = TrainingStep(opt).trace((X,), {}, False).graph
    joint = autodiff(trace(model, X).graph)
    # the step is forward, backward, update: its first nodes are the joint graph's
    assert _kernel_ops(step_graph)[:len(joint.nodes)] == _kernel_ops(joint)
    assert len(step_graph.nodes) > len(joint.nodes)


class Doubling(FunctionNode):
    """Forward built from registry ops, with a backward of its own (a straight-through
    style estimator: the gradient is 3 * gy, not the 2 * gy of its forward)."""

    def forward(self, inputs):
        return E.mul(inputs[0], 2.0).array,

    def backward(self, indexes, grad_outputs):
        return grad_outputs[0] * 3.0,


class WithCustomNode(MLP):
    def forward(self, x):
        h = Doubling().apply((self.l1(x),))[0]      # LINE_OF_CUSTOM_NODE
        return F.sum(self.l2(h) ** 2)


def _custom_line():
    import inspect
    src, start = inspect.getsourcelines(WithCustomNode.forward)
    return start + next(i for i, t in enumerate(src) if 'LINE_OF_CUSTOM_NODE' in t)


def test_custom_backward_falls_back_in_compile_and_matches_eager():
    eager, compiled = WithCustomNode(), WithCustomNode()
    chainfuse.compile(compiled)
    y = eager(X)
    y.backward()
    with pytest.warns(RuntimeWarning, match='Doubling is a FunctionNode with a backward of '
                                            'its own') as w:
        z = compiled(X)
    assert w[0].lineno == _custom_line()
    z.backward()
    numpy.testing.assert_allclose(z.array, y.array, rtol=1e-6)
    numpy.testing.assert_allclose(compiled.l1.W.grad, eager.l1.W.grad, rtol=1e-6)


def test_custom_backward_falls_back_in_compile_step_and_matches_eager():
    models = [WithCustomNode(), WithCustomNode()]
    opts = [chainfuse.optimizers.SGD(lr=0.01) for _ in models]
    for m, o in zip(models, opts):
        o.setup(m)
    step = chainfuse.compile_step(opts[1])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        for _ in range(3):
            opts[0].update(models[0], X)
            step(X)
    assert any('Doubling.backward would be bypassed' in str(x.message) for x in w)
    numpy.testing.assert_allclose(models[1].l1.W.array, models[0].l1.W.array, rtol=1e-6)
    with pytest.raises(GraphBreak, match='Doubling'):
        chainfuse.compile_step(opts[1], fallback='raise')(X)


class GradientPenalty(MLP):
    """loss = f(x) + sum(d f / d x)^2: chainfuse.grad with double backprop inside the
    loss, so the step's backward differentiates the recorded vjp ops once more."""

    def forward(self, x):
        x = chainfuse.Variable(x)
        y = F.sum(F.tanh(self.l2(F.tanh(self.l1(x)))) ** 2)
        gx, = chainfuse.grad([y], [x], enable_double_backprop=True)
        return y + F.sum(gx * gx)


def test_double_backprop_inside_a_compiled_step_matches_eager():
    models = [GradientPenalty(), GradientPenalty()]
    opts = [chainfuse.optimizers.Adam(alpha=0.01) for _ in models]
    for m, o in zip(models, opts):
        o.setup(m)
    step = chainfuse.compile_step(opts[1], fallback='raise')
    for _ in range(4):
        opts[0].update(models[0], X)
        loss = step(X)
    assert step.stats['compiled_calls'] == 3
    for (path, p), (_, q) in zip(sorted(models[0].namedparams()),
                                 sorted(models[1].namedparams())):
        numpy.testing.assert_allclose(q.array, p.array, rtol=1e-5, atol=1e-6, err_msg=path)
    assert numpy.isfinite(loss.array)


def test_double_backprop_inside_a_compiled_call_matches_eager():
    eager, compiled = GradientPenalty(), GradientPenalty()
    chainfuse.compile(compiled, fallback='raise')
    for m in (eager, compiled):
        m.cleargrads()
        y = m(X)
        y.backward()
    numpy.testing.assert_allclose(y.array, eager(X).array, rtol=1e-5)
    for (path, p), (_, q) in zip(sorted(eager.namedparams()),
                                 sorted(compiled.namedparams())):
        numpy.testing.assert_allclose(q.grad, p.grad, rtol=1e-4, atol=1e-6, err_msg=path)


class RetainsGrad(MLP):
    def forward(self, x):
        return F.sum(F.tanh(self.l2(F.relu(self.l1(x)))) ** 2)


def test_backward_with_retain_grad_in_a_traced_step_gives_intermediates_their_grads():
    seen = {}

    def lossfun(x):
        h = model.l1(x)
        loss = F.sum(F.tanh(model.l2(F.relu(h))) ** 2)
        seen['h'] = h
        return loss
    model = MLP()
    opt = chainfuse.optimizers.SGD(lr=0.1)
    opt.setup(model)
    model.cleargrads()
    loss = lossfun(X)
    loss.backward(retain_grad=True)
    want = seen['h'].grad.copy()
    with chainfuse.tracer.recorder.Recorder('g', model) as rec:
        loss = lossfun(X)
        model.cleargrads()
        loss.backward(retain_grad=True)
    assert rec.graph.nodes[-1].op.name != 'tanh'          # the walk appended the backward
    numpy.testing.assert_allclose(seen['h'].grad, want, rtol=1e-6)

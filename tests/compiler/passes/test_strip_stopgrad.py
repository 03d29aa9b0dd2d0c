"""strip_stop_gradient: once no gradient will be taken, stop_gradient is the identity."""
import numpy

import chainfuse as cf
import chainfuse.functions as F
from chainfuse.ops import array as array_ops
from chainfuse.compiler.passes.strip_stop_gradient import strip_stop_gradient
from chainfuse.compiler.pipeline import compile_inference
from chainfuse.testing.graphs import GraphBuilder, assert_equivalent, op_names


def _adam_like():
    """An update of the traced-Adam shape: mul(wd, p) and the grad behind stop_gradient."""
    b = GraphBuilder('update')
    p = b.input((4, 3), kind='param', name='/W')
    g = b.input((4, 3))
    wd = b.const(numpy.float32(0.1))
    decay = b.op('stop_gradient', b.op('mul', wd, p))
    step = b.op('add', b.op('stop_gradient', g), decay)
    b.output(b.op('sub', p, step), name='new')
    b.output(b.op('stop_gradient', g), name='grad')      # an output that is one
    return b.graph


def test_stop_gradients_are_dropped_and_names_kept():
    g = _adam_like()
    out = strip_stop_gradient(g).verify()
    assert op_names(out) == ['mul', 'add', 'sub']
    assert out.outputs[1][0].id == g.inputs[1].id         # the output reads the input
    assert_equivalent(g, out)


def test_the_update_is_one_kernel_after_the_pass():
    plan = compile_inference(_adam_like()).plan
    assert [s.label for s in plan.steps if 'stop_gradient' in s.label] == []
    assert len(plan.kernels) == 1 and len(plan.steps) == 1
    assert_equivalent(_adam_like(), plan.graph)


class _Stopped(cf.Link):
    """sum(w x + stop_gradient(w w)): d/dw is x, not x + 2 w."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.w = cf.Parameter(numpy.full(3, 2.0, numpy.float32))

    def forward(self, x):
        return F.sum(self.w * x + array_ops.stop_gradient(self.w * self.w))


def test_training_strips_only_after_autodiff():
    x = numpy.arange(3, dtype=numpy.float32)
    grads = []
    for compiled in (False, True):
        model = _Stopped()
        if compiled:
            model = cf.compile(model, fallback='raise')
        for _ in range(2):          # the second call runs the compiled plans
            model.cleargrads()
            model(x).backward()
        grads.append(model.w.grad.copy())
    numpy.testing.assert_array_equal(grads[0], x)
    numpy.testing.assert_array_equal(grads[1], grads[0])
    entry = model._chainfuse_compiled.entries[0]
    assert 'stop_gradient' in [n.op.name for n in entry.compiled.joint.nodes]
    assert all(s.label != 'stop_gradient' for s in entry.compiled.forward_plan.steps)

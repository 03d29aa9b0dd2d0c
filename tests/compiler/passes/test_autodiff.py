"""autodiff: the joint graph appends the backward pass from the ops' vjp rules."""
import numpy

from chainfuse.compiler.passes import autodiff
from chainfuse.testing.graphs import GraphBuilder, random_inputs
from chainfuse.tracer.interpreter import run_graph


def _linear_loss():
    """loss = sum(tanh(x @ W) * x @ W) with W a parameter; x data (no gradient)."""
    b = GraphBuilder('f')
    x = b.input((4, 3))
    w = b.input((3, 3), kind='param', name='/W', requires_grad=True)
    h = b.op('matmul', x, w)
    b.output(b.op('sum', b.op('mul', b.op('tanh', h), h)), name='loss')
    return b.graph


def test_joint_graph_keeps_the_forward_and_adds_cotangent_and_gradient():
    g = _linear_loss()
    joint = autodiff(g).verify()
    forward = [n.format() for n in g.nodes]
    assert [n.format() for n in joint.nodes][:len(forward)] == forward   # names unchanged
    assert [v.name for v in joint.inputs_of('grad')] == ['grad:loss']
    assert [(k, n) for _, k, n in joint.outputs] == [('result', 'loss'), ('grad', '/W')]
    assert len(joint.nodes) > len(g.nodes)


def test_gradient_matches_the_analytic_one():
    g = _linear_loss()
    joint = autodiff(g)
    x, w = random_inputs(g)
    gy = numpy.asarray(1.5, 'float32')
    loss, gw = run_graph(joint, [x, w, gy])
    h = x @ w
    t = numpy.tanh(h)
    dh = gy * (t + h * (1 - t * t))
    numpy.testing.assert_allclose(gw, x.T @ dh, rtol=1e-5)
    numpy.testing.assert_allclose(loss, (t * h).sum(), rtol=1e-5)


def test_value_with_two_users_sums_its_contributions():
    b = GraphBuilder()
    w = b.input((3,), kind='param', name='/w', requires_grad=True)
    b.output(b.op('sum', b.op('mul', w, w)), name='y')
    joint = autodiff(b.graph)
    (w_,) = random_inputs(b.graph)
    _, gw = run_graph(joint, [w_, numpy.asarray(1.0, 'float32')])
    numpy.testing.assert_allclose(gw, 2 * w_, rtol=1e-6)
    assert 'add' in [n.op.name for n in joint.nodes]


def test_input_without_a_path_gets_no_gradient_and_wrt_selects():
    b = GraphBuilder()
    w = b.input((3,), kind='param', name='/w', requires_grad=True)
    u = b.input((3,), kind='param', name='/unused', requires_grad=True)
    b.output(b.op('sum', b.op('exp', w)), name='y')
    g = b.graph
    assert [n for _, k, n in autodiff(g).outputs if k == 'grad'] == ['/w']   # as eager: None
    assert [n for _, k, n in autodiff(g, wrt=[u]).outputs if k == 'grad'] == []


def test_integer_results_get_no_cotangent():
    b = GraphBuilder()
    w = b.input((3,), kind='param', name='/w', requires_grad=True)
    b.output(b.op('sum', w), name='y')
    b.output(b.op('argmax', w), name='i')
    joint = autodiff(b.graph)
    assert [v.name for v in joint.inputs_of('grad')] == ['grad:y']


def test_stop_gradient_stops_it():
    b = GraphBuilder()
    w = b.input((3,), kind='param', name='/w', requires_grad=True)
    b.output(b.op('sum', b.op('mul', w, b.op('stop_gradient', w))), name='y')
    joint = autodiff(b.graph)
    (w_,) = random_inputs(b.graph)
    _, gw = run_graph(joint, [w_, numpy.asarray(1.0, 'float32')])
    numpy.testing.assert_allclose(gw, w_, rtol=1e-6)          # not 2 * w

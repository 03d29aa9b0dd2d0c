"""partition: the joint graph splits into a forward plan's graph and a backward one."""
import numpy
import pytest

from chainfuse.compiler.passes import autodiff
from chainfuse.compiler.passes.partition import partition
from chainfuse.testing.graphs import GraphBuilder, random_inputs
from chainfuse.tracer.interpreter import run_graph


def _joint():
    b = GraphBuilder('f')
    x = b.input((4, 3))
    w = b.input((3, 5), kind='param', name='/W', requires_grad=True)
    h = b.op('exp', b.op('matmul', x, w))
    b.output(b.op('sum', b.op('mul', h, h)), name='loss')
    return autodiff(b.graph).verify()


def _run_split(part, arrays, gy):
    fwd = run_graph(part.forward, arrays)
    kinds = [k for _, k, _ in part.forward.outputs]
    saved = [a for a, k in zip(fwd, kinds) if k == 'saved']
    bwd_in = []
    for source, k in part.bwd_sources:
        bwd_in.append(saved[k] if source == 'saved' else
                      arrays[k] if source == 'input' else gy)
    return fwd, run_graph(part.backward, bwd_in)


@pytest.mark.parametrize('recompute', ['auto', 'none'])
def test_forward_then_backward_equals_the_joint_graph(recompute):
    joint = _joint()
    part = partition(joint, recompute=recompute)
    part.forward.verify()
    part.backward.verify()
    x, w = random_inputs(part.forward)
    gy = numpy.asarray(0.5, 'float32')
    loss, gw = run_graph(joint, [x, w, gy])
    fwd, (gw2,) = _run_split(part, [x, w], gy)
    numpy.testing.assert_allclose(fwd[0], loss, rtol=1e-6)
    numpy.testing.assert_allclose(gw2, gw, rtol=1e-6)
    assert [k for _, k, _ in part.backward.outputs] == ['grad']
    assert {v.kind for v in part.forward.inputs} <= {'data', 'param', 'const'}


def test_recompute_moves_cheap_elementwise_values_into_the_backward():
    joint = _joint()
    saved_all = partition(joint, recompute='none')
    saved_some = partition(joint, recompute='auto')
    n_saved = [sum(k == 'saved' for _, k, _ in p.forward.outputs)
               for p in (saved_all, saved_some)]
    assert saved_some.bytes_saved >= 0
    assert n_saved[1] <= n_saved[0]
    assert saved_all.n_saved_recomputed == 0


def test_values_keep_their_names_across_the_split():
    joint = _joint()
    part = partition(joint)
    joint_ids = {v.id: v.aval for v in joint.values()}
    for g in (part.forward, part.backward):
        for n in g.nodes:
            for v in n.outputs:
                assert joint_ids.get(v.id) == v.aval


def test_bad_recompute_option_is_an_error():
    with pytest.raises(ValueError, match="recompute must be 'auto' or 'none'"):
        partition(_joint(), recompute='always')

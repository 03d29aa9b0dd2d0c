"""The pure step functions: eager == registry ops, nothing mutated, seen whole by the tracer."""
import numpy
import pytest

from chainfuse import optimizers, tracer
from chainfuse.core.variable import Variable
from chainfuse.optimizers import step_ops
from chainfuse.tracer.errors import GraphBreak

from ._models import MLP, mse, regression_data

RULES = [
    optimizers.SGD(), optimizers.MomentumSGD(), optimizers.NesterovAG(), optimizers.AdaGrad(),
    optimizers.AdaDelta(), optimizers.RMSprop(), optimizers.RMSprop(eps_inside_sqrt=True),
    optimizers.Adam(), optimizers.Adam(amsgrad=True, adabound=True, weight_decay_rate=0.1),
]


def _inputs(rule, seed=0):
    rng = numpy.random.default_rng(seed)
    p = rng.standard_normal((3, 5)).astype(numpy.float32)
    g = rng.standard_normal((3, 5)).astype(numpy.float32)
    state = {k: numpy.abs(rng.standard_normal((3, 5))).astype(numpy.float32)
             for k in rule.state_keys()}
    return p, g, state


def _rule(opt):
    rule = opt.create_update_rule()
    rule.t = 3
    return rule


@pytest.mark.parametrize('opt', RULES, ids=lambda o: type(o).__name__)
def test_pure_update_is_pure_and_ops_give_the_eager_numbers(opt):
    rule = _rule(opt)
    p, g, state = _inputs(rule)
    copies = (p.copy(), g.copy(), {k: v.copy() for k, v in state.items()})
    new_p, new_state = rule.pure_update(p, g, state)
    numpy.testing.assert_array_equal(p, copies[0])
    numpy.testing.assert_array_equal(g, copies[1])
    for k in state:
        numpy.testing.assert_array_equal(state[k], copies[2][k])
    assert new_p.dtype == numpy.float32 and not numpy.array_equal(new_p, p)

    hp = step_ops.hyperparam_arrays(rule.step_hyperparams(), numpy.float32, numpy)

    def as_var(a):
        return Variable(a, requires_grad=False)
    vp, vs = rule.pure_update(as_var(p), as_var(g), {k: as_var(v) for k, v in state.items()},
                              hp={k: as_var(v) for k, v in hp.items()})
    assert isinstance(vp, Variable)
    numpy.testing.assert_array_equal(vp.array, new_p)
    for k in state:
        numpy.testing.assert_array_equal(vs[k].array, new_state[k])


def test_tracer_records_the_whole_update_with_hyperparameters_as_inputs():
    rule = _rule(optimizers.Adam())
    p, g, state = _inputs(rule)
    names = sorted(rule.step_hyperparams())

    def adam_update(p, g, m, v, *hps):
        new_p, new_s = rule.pure_update(p, g, {'m': m, 'v': v}, hp=dict(zip(names, hps)))
        return new_p, new_s['m'], new_s['v']

    def args(hp):
        arrays = [p, g, state['m'], state['v']] + [hp[k] for k in names]
        return [Variable(a, requires_grad=False) for a in arrays]

    hp = step_ops.hyperparam_arrays(rule.step_hyperparams(), numpy.float32, numpy)
    tr = tracer.trace(adam_update, *args(hp))
    ops = [node.op.name for node in tr.graph.nodes]
    assert 'sqrt' in ops and ops.count('mul') >= 4
    assert not tr.graph.inputs_of('const')  # nothing baked in: every scalar is an input
    # a new learning rate goes through the same trace
    rule.t = 7
    hp7 = step_ops.hyperparam_arrays(rule.step_hyperparams(), numpy.float32, numpy)
    replayed = tr.replay(*args(hp7))
    eager_p, _ = rule.pure_update(p, g, state)
    numpy.testing.assert_allclose(replayed[0].array, eager_p, rtol=1e-6)


def test_an_update_inside_a_traced_call_is_a_graph_break_not_a_silent_constant():
    model = MLP()
    opt = optimizers.SGD().setup(model)
    x, t = regression_data()

    def train_step(x, t):
        loss = mse(model, x, t)
        model.cleargrads()
        loss.backward()
        opt.update()
        return loss

    with pytest.raises(GraphBreak, match='in-place update'):
        tracer.trace(train_step, x, t)
    assert opt.t == 0 and model.l1.W.update_rule.t == 0  # the failed trace counted nothing


def test_eager_namespace_calls_the_registry_impls():
    ops = step_ops.eager_ops(numpy)
    a = numpy.array([1.0, 4.0], numpy.float32)
    numpy.testing.assert_array_equal(ops.sqrt(a), [1.0, 2.0])
    assert ops.astype(a, dtype=numpy.float64).dtype == numpy.float64
    assert step_ops.eager_ops(numpy) is ops and ops.sqrt is ops.sqrt
    assert step_ops.TRACED.sqrt.name == 'sqrt'

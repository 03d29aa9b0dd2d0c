"""Every model of the zoo traced, verified, and replayed with the interpreter on several
batches: outputs, reported values and state updates equal eager execution."""
import copy

import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse.tracer import GraphBreak, trace
from tests.zoo.models import ZOO, DataDependentIf, inputs_for

TRACEABLE = [name for name in ZOO if name != 'DataDependentIf']


def _observe(model, fn):
    reporter = chainer.Reporter()
    reporter.add_observer('main', model)
    obs = {}
    with reporter.scope(obs):
        out = fn()
    return out, {k: float(chainer.as_array(v)) for k, v in obs.items()}


def _persistents(model):
    out = {}
    for path, link in model.namedlinks():
        for name in sorted(getattr(link, '_persistent', ())):
            value = getattr(link, name)
            if isinstance(value, numpy.ndarray):
                out[f'{path}/{name}'] = value.copy()
    return out


@pytest.mark.parametrize('name', TRACEABLE)
def test_trace_replay_equals_eager(name):
    chainer.set_random_seed(0)
    model = L.Classifier(ZOO[name]())
    x, t = inputs_for(name)
    tr = trace(model, x, t)          # lazy parameters are initialized during the trace
    tr.graph.verify()
    assert tr.graph.inputs_of('param'), 'parameters must be inputs, never constants'
    eager_model = copy.deepcopy(model)
    for batch in range(3):
        x, t = inputs_for(name, seed=batch + 1)
        chainer.set_random_seed(100 + batch)
        y_r, rep_r = _observe(model, lambda: tr.replay(x, t))
        chainer.set_random_seed(100 + batch)
        y_e, rep_e = _observe(eager_model, lambda: eager_model(x, t))
        numpy.testing.assert_allclose(y_r.array, y_e.array, rtol=1e-5, atol=1e-6)
        assert rep_r.keys() == rep_e.keys() == {'main/loss', 'main/accuracy'}
        for k in rep_r:
            assert rep_r[k] == pytest.approx(rep_e[k], rel=1e-5, abs=1e-6)
        s_r, s_e = _persistents(model), _persistents(eager_model)
        assert s_r.keys() == s_e.keys()
        for k in s_r:
            numpy.testing.assert_allclose(s_r[k], s_e[k], rtol=1e-5, atol=1e-7, err_msg=k)


def test_parameters_are_read_at_replay_time():
    model = L.Classifier(ZOO['MLP']())
    x, t = inputs_for('MLP')
    tr = trace(model, x, t)
    for _, p in model.namedparams():
        p.array[...] *= 0.5
    numpy.testing.assert_allclose(tr.replay(x, t).array, model(x, t).array, rtol=1e-5)


def test_dropout_masks_are_fresh_on_every_replay():
    chainer.set_random_seed(0)
    model = ZOO['DropoutMLP']()
    x, _ = inputs_for('DropoutMLP')
    tr = trace(model, x)
    assert tr.graph.inputs_of('rng')
    outs = [tr.replay(x).array for _ in range(3)]
    assert not numpy.array_equal(outs[0], outs[1])
    assert not numpy.array_equal(outs[1], outs[2])


def test_traced_names_params_by_path_and_prints():
    model = L.Classifier(ZOO['MLP']())
    x, t = inputs_for('MLP')
    g = trace(model, x, t).graph
    names = [v.name for v in g.inputs_of('param')]
    assert '/predictor/l1/W' in names and '/predictor/l3/b' in names
    assert 'report' in str(g) and 'main' in ''.join(n for _, n in g.outputs_of('report')) \
        or g.outputs_of('report')


def test_data_dependent_if_is_a_graph_break_at_its_line():
    model = DataDependentIf()
    x, _ = inputs_for('DataDependentIf')
    with pytest.raises(GraphBreak) as e:
        trace(model, x)
    import tests.zoo.models as zoo_src
    lines = open(zoo_src.__file__).read().splitlines()
    line = next(i + 1 for i, s in enumerate(lines) if 'DATA-DEPENDENT IF' in s)
    assert e.value.location.endswith(f'models.py:{line}')

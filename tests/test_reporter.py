"""Reporter, report, report_scope, Summary and DictSummary."""
import threading
import warnings

import numpy
import pytest

from chainfuse import reporter, serializers
from chainfuse.core.variable import Variable


def _var(x):
    return Variable(numpy.asarray(x, numpy.float32))


def test_report_goes_to_the_current_reporter_under_the_observer_name():
    r = reporter.Reporter()
    model, other = object(), object()
    r.add_observer('main', model)
    r.add_observers('main', [('/l1', other)])
    observation = {}
    with r.scope(observation):
        reporter.report({'loss': _var(1.5)}, model)
        reporter.report({'x': 2.0})
        reporter.report({'y': 3}, other)
        assert reporter.get_current_reporter() is r
    assert set(observation) == {'main/loss', 'x', 'main/l1/y'}
    assert float(observation['main/loss'].array) == 1.5
    assert r.observation == {}
    with pytest.raises(KeyError, match='not registered'):
        with r:
            reporter.report({'z': 1}, object())


def test_reported_variables_are_cut_from_the_graph():
    x = Variable(numpy.asarray(2.0, numpy.float32))
    y = x * x
    obs = {}
    with reporter.Reporter().scope(obs):
        reporter.report({'y': y})
    assert obs['y'] is not y and obs['y'].creator is None
    assert float(obs['y'].array) == 4.0


def test_report_without_reporter_does_nothing_and_nesting_uses_the_innermost():
    reporter.report({'lost': 1.0})
    outer, inner = reporter.Reporter(), reporter.Reporter()
    o1, o2 = {}, {}
    with outer.scope(o1):
        reporter.report({'a': 1})
        with inner.scope(o2):
            reporter.report({'b': 2})
        reporter.report({'c': 3})
    assert o1 == {'a': 1, 'c': 3} and o2 == {'b': 2}
    with pytest.raises(RuntimeError, match='no reporter'):
        reporter.get_current_reporter()


def test_report_scope_collects_into_a_new_dict():
    r = reporter.Reporter()
    outer, scoped = {}, {}
    with r.scope(outer):
        with reporter.report_scope(scoped):
            reporter.report({'a': 1})
        reporter.report({'b': 2})
    assert scoped == {'a': 1} and outer == {'b': 2}


def test_reporters_are_per_thread():
    r = reporter.Reporter()
    seen = {}

    def worker():
        reporter.report({'from_thread': 1})  # no reporter in this thread
        seen['stack'] = len(reporter._reporters())

    obs = {}
    with r.scope(obs):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert obs == {} and seen['stack'] == 0


def test_summary_mean_and_std_with_weights():
    s = reporter.Summary()
    for v in (1.0, numpy.float32(2.0), _var(3.0), numpy.asarray(4.0, numpy.float32)):
        s.add(v)
    assert float(s.compute_mean()) == pytest.approx(2.5)
    mean, std = s.make_statistics()
    assert float(mean) == pytest.approx(2.5)
    assert float(std) == pytest.approx(numpy.std([1, 2, 3, 4]))
    w = reporter.Summary()
    w.add(1.0, weight=3)
    w.add(5.0, weight=1)
    assert float(w.compute_mean()) == pytest.approx(2.0)
    with pytest.raises(ValueError, match='scalar'):
        w.add(numpy.ones(3))


def test_dict_summary_skips_non_scalars_and_takes_weighted_tuples():
    d = reporter.DictSummary()
    d.add({'loss': _var(1.0), 'acc': 0.5, 'image': numpy.zeros((2, 2)), 'w': (2.0, 3)})
    d.add({'loss': _var(3.0), 'w': (6.0, _var(1.0))})
    mean = d.compute_mean()
    assert set(mean) == {'loss', 'acc', 'w'}
    assert float(mean['loss']) == 2.0 and float(mean['w']) == pytest.approx(3.0)
    stats = d.make_statistics()
    assert float(stats['loss.std']) == pytest.approx(1.0)
    with pytest.raises(ValueError, match='not a scalar'):
        d.add({'bad': (1.0, numpy.ones(2))})


def test_dict_summary_serializes_through_npz(tmp_path):
    d = reporter.DictSummary()
    d.add({'main/loss': 1.0, 'main/accuracy': numpy.float32(0.25)})
    d.add({'main/loss': 3.0})
    serializers.save_npz(tmp_path / 's.npz', d)
    loaded = reporter.DictSummary()
    loaded.add({'stale': 9.0})
    serializers.load_npz(tmp_path / 's.npz', loaded)
    assert {k: float(v) for k, v in loaded.compute_mean().items()} == \
        {'main/loss': 2.0, 'main/accuracy': 0.25}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        reporter.DictSummary().serialize(serializers.NpzDeserializer({}, strict=True))
    assert any('not saved' in str(c.message) for c in caught)


def test_the_tracer_takes_reported_values_while_tracing():
    from chainfuse.core import tracing
    taken = []

    class Taker(tracing.Tracer):
        def on_report(self, values, observer):
            taken.append(values)
            return True
    obs = {}
    with reporter.Reporter().scope(obs):
        with tracing.installed(Taker()):
            reporter.report({'a': 1})
        reporter.report({'b': 2})
    assert taken == [{'a': 1}] and obs == {'b': 2}

"""Chainer 7's Trainer idioms: extend(call_before_training=True), unchain_variables,
extension names that snapshots key by, PlotReport's default axis, IntervalTrigger."""
import numpy
import pytest

import chainfuse as chainer
from chainfuse import reporter, training
from chainfuse.training import extensions

from ._helpers import CountingUpdater


def test_call_before_training_calls_once_before_the_first_iteration(tmp_path):
    seen = []

    def record(trainer):
        seen.append((trainer.updater.iteration, dict(trainer.observation)))
        reporter.report({'before/x': 1.0})

    trainer = training.Trainer(CountingUpdater(), (3, 'iteration'), out=str(tmp_path))
    trainer.extend(record, name='record', trigger=(2, 'iteration'), call_before_training=True)
    trainer.run()
    assert [it for it, _ in seen] == [0, 2]
    assert seen[1][1] == {}                       # a fresh observation each time


def test_call_before_training_is_skipped_when_resuming(tmp_path):
    updater = CountingUpdater()
    updater.iteration = 5
    calls = []
    trainer = training.Trainer(updater, (6, 'iteration'), out=str(tmp_path))
    trainer.extend(lambda t: calls.append(t.updater.iteration), name='f',
                   trigger=(100, 'iteration'), call_before_training=True)
    assert not trainer.is_before_training
    trainer.run()
    assert calls == []


def test_extend_rejects_removed_and_unknown_keywords(tmp_path):
    trainer = training.Trainer(CountingUpdater(), (1, 'iteration'), out=str(tmp_path))
    with pytest.raises(ValueError, match='invoke_before_training'):
        trainer.extend(lambda t: None, invoke_before_training=True)
    with pytest.raises(TypeError, match='unexpected keyword'):
        trainer.extend(lambda t: None, when='now')


def test_unchain_variables_cuts_graphs_kept_on_report(tmp_path):
    kept = []

    def report(iteration):
        x = chainer.Variable(numpy.ones(2, numpy.float32))
        y = chainer.functions.sum(x * 2)
        kept.append(y)
        reporter.report({'y': y})

    trainer = training.Trainer(CountingUpdater(on_update=report), (2, 'iteration'),
                               out=str(tmp_path))
    trainer.extend(extensions.unchain_variables())
    with chainer.using_config('keep_graph_on_report', True):
        trainer.run()
    assert all(y.creator is None for y in kept)
    kept.clear()
    trainer = training.Trainer(CountingUpdater(on_update=report), (1, 'iteration'),
                               out=str(tmp_path))
    trainer.extend(extensions.unchain_variables())
    trainer.run()            # flag off: reported values are copies; nothing to cut
    assert kept[0].creator is not None


def test_extension_names_are_chainers():
    link = chainer.links.Linear(2, 2)
    assert extensions.snapshot().default_name == '_Snapshot'
    assert extensions.snapshot_object(link, 'f').default_name == '_Snapshot'
    assert extensions.observe_lr().default_name == '_observe_value'
    assert extensions.DumpGraph('main/loss').default_name == 'dump_graph'
    assert extensions.PolynomialShift('lr', 1, 2).default_name == 'PolynomialShift'


def test_plot_report_plots_against_iterations_by_default():
    assert extensions.PlotReport(['main/loss'])._x_key == 'iteration'


def test_interval_trigger_under_training():
    assert training.IntervalTrigger is training.triggers.IntervalTrigger
    assert isinstance(training.get_trigger((1, 'epoch')), training.IntervalTrigger)

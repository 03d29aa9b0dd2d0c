import importlib.util
import json
import os

import numpy
import pytest

from chainfuse import serializers, training
from chainfuse.training import extensions
from chainfuse.training.extensions import plot_report

from .._helpers import CountingUpdater
from .._models import MLP

HAS_MPL = importlib.util.find_spec('matplotlib') is not None


def run(out, n=3, model=None, **kwargs):
    model = model or MLP(n_units=3, n_out=2, n_in=4)
    trainer = training.Trainer(CountingUpdater(), (n, 'iteration'), out=str(out))
    trainer.extend(extensions.VariableStatisticsPlot(model, trigger=(1, 'iteration'),
                                                     **kwargs))
    trainer.extend(extensions.snapshot(), trigger=(n, 'iteration'))
    trainer.run()
    return trainer, model


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr(plot_report, '_warned', True)


def test_records_mean_std_and_percentiles(tmp_path):
    trainer, model = run(tmp_path, report_grad=False)
    history = trainer.get_extension('VariableStatisticsPlot').history
    assert [h[0] for h in history] == [1, 2, 3]
    x = numpy.concatenate([p.array.ravel() for p in model.params()]).astype(numpy.float64)
    stats = history[0][1]['data']
    assert stats[:2] == pytest.approx([x.mean(), x.std()])
    assert stats[2] == pytest.approx(x.min()) and stats[-1] == pytest.approx(x.max())
    assert len(stats) == 2 + 9


def test_missing_grads_are_nan_and_history_is_thinned(tmp_path):
    trainer, _ = run(tmp_path, n=5, max_sample_size=3)
    history = trainer.get_extension('VariableStatisticsPlot').history
    assert [h[0] for h in history] == [1, 3, 5]
    assert all(numpy.isnan(v) for v in history[0][1]['grad'])


def test_history_is_in_the_snapshot(tmp_path):
    trainer, _ = run(tmp_path / 'a')
    fresh = training.Trainer(CountingUpdater(), (3, 'iteration'), out=str(tmp_path / 'b'))
    ext = extensions.VariableStatisticsPlot(MLP(n_units=3, n_out=2, n_in=4),
                                            trigger=(1, 'iteration'))
    fresh.extend(ext)
    fresh.extend(extensions.snapshot(), trigger=(3, 'iteration'))
    serializers.load_npz(str(tmp_path / 'a' / 'snapshot_iter_3'), fresh)
    # compared as JSON: the grads are NaN (none computed), and NaN != NaN
    assert json.dumps(ext.history) == \
        json.dumps(trainer.get_extension('VariableStatisticsPlot').history)


@pytest.mark.skipif(not HAS_MPL, reason='matplotlib is not installed')
def test_writes_a_png(tmp_path):
    run(tmp_path, filename='stats.png')
    assert os.path.getsize(tmp_path / 'stats.png') > 0

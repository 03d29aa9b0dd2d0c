import importlib.util
import os

import pytest

from chainfuse import reporter, training
from chainfuse.training import extensions
from chainfuse.training.extensions import plot_report

from .._helpers import CountingUpdater

HAS_MPL = importlib.util.find_spec('matplotlib') is not None


def run(tmp_path):
    trainer = training.Trainer(CountingUpdater(2, on_update=lambda i: reporter.report(
        {'main/loss': 1.0 / i})), (3, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.PlotReport(['main/loss'], 'epoch', filename='loss.png'))
    trainer.run()
    return trainer


@pytest.mark.skipif(HAS_MPL, reason='checks the message shown without matplotlib')
def test_without_matplotlib_says_so_and_plots_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(plot_report, '_warned', False)
    with pytest.warns(UserWarning, match='pip install matplotlib'):
        assert not extensions.PlotReport.available()
    trainer = run(tmp_path)  # no second warning, no file, no error
    assert os.listdir(tmp_path) == []
    data = trainer.get_extension('PlotReport')._data
    assert [x for x, _ in data['main/loss']] == [1, 2, 3]


@pytest.mark.skipif(not HAS_MPL, reason='matplotlib is not installed')
def test_writes_a_png(tmp_path):
    run(tmp_path)
    with open(tmp_path / 'loss.png', 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'

import importlib.util
import io
import os

import pytest

from chainfuse import reporter, training
from chainfuse.training import extension
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


def fresh_drawing(data, y_keys, x_key='epoch', postprocess=None):
    """The PNG bytes of Chainer's way: a new figure every time, every line plotted."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.set_xlabel(x_key)
    ax.grid()
    for k in y_keys:
        if data[k]:
            ax.plot([p[0] for p in data[k]], [p[1] for p in data[k]], marker='x', label=k)
    if postprocess is not None:
        postprocess(fig, ax, None)
    legend = ax.legend(bbox_to_anchor=(1.05, 1), loc=2, borderaxespad=0.)
    buf = io.BytesIO()
    fig.savefig(buf, format='png', bbox_extra_artists=(legend,), bbox_inches='tight')
    return buf.getvalue()


def note_title(fig, ax, summary):
    ax.text(0.5, 0.5, 'a note')   # would pile up on a figure that is kept


@pytest.mark.skipif(not HAS_MPL, reason='matplotlib is not installed')
@pytest.mark.parametrize('postprocess', [None, note_title])
def test_every_trigger_writes_the_image_a_new_figure_gives(tmp_path, postprocess):
    # 'validation/loss' first gets a value at epoch 3, after 'main/loss' has its line:
    # its line must still come first (colour C0), as when the figure is drawn anew
    y_keys = ['validation/loss', 'main/loss']

    def on_update(i):
        reporter.report({'main/loss': 10.0 / i + (i % 3)})
        if i >= 5:
            reporter.report({'validation/loss': 1.0 + 1.0 / i})
    trainer = training.Trainer(CountingUpdater(2, on_update=on_update), (6, 'epoch'),
                               out=str(tmp_path))
    plot = extensions.PlotReport(y_keys, 'epoch', filename='loss.png',
                                 postprocess=postprocess)
    trainer.extend(plot)
    written = []

    @extension.make_extension(trigger=(1, 'epoch'), priority=extension.PRIORITY_SNAPSHOT)
    def read_back(trainer):
        with open(tmp_path / 'loss.png', 'rb') as f:
            written.append((f.read(), {k: list(v) for k, v in plot._data.items()}))
    trainer.extend(read_back)
    trainer.run()
    assert len(written) == 6 and [len(d['main/loss']) for _, d in written] == [1, 2, 3, 4, 5, 6]
    assert [len(d['validation/loss']) for _, d in written] == [0, 0, 1, 2, 3, 4]
    for png, data in written:
        assert png == fresh_drawing(data, y_keys, postprocess=postprocess)

"""PlotReport: plots observed values against epoch or iteration into an image."""
import importlib.util
import os
import warnings

from chainfuse.reporter import DictSummary
from chainfuse.training import extension
from chainfuse.training import util

_MISSING_MESSAGE = ('matplotlib is not installed, so PlotReport will plot nothing. Install '
                    'it to get the figures:\n\n  $ pip install matplotlib\n')
_warned = False


def _available():
    return importlib.util.find_spec('matplotlib') is not None


def _warn_missing():
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(_MISSING_MESSAGE, stacklevel=3)


class PlotReport(extension.Extension):
    """Plots the means of `y_keys` over each interval into ``<out>/<filename>``.

    Like LogReport it accumulates every iteration and takes the mean when its
    own `trigger` fires; then it writes the whole plot again, every point so
    far, to the same file.  Without matplotlib it warns once, at construction,
    and does nothing.

    The figure is a `matplotlib.figure.Figure` on an Agg canvas (no display, no
    pyplot state, the user's matplotlib backend left alone), made at the first
    plot and kept: at later triggers the lines get their new points
    (``set_data``), the axes are rescaled to them and the legend is made again,
    which gives the same image, byte for byte, as drawing a new figure, in
    about two thirds of the time (the axes' ticks and text are reused).  The
    figure is drawn new whenever reusing it could differ: when a key gets its
    first point (so the lines keep the colours of `y_keys`' order) and at every
    trigger when there is a `postprocess`, which sees a fresh figure and axes
    as in Chainer.

    Args:
        y_keys (str or list): observation keys to plot.
        x_key (str): 'iteration' (the default, as in Chainer) or 'epoch'.
        trigger: plotting interval (default ``(1, 'epoch')``).
        postprocess: ``f(figure, axes, summary)`` called before saving.
        filename (str): image file (default 'plot.png').
        marker (str): matplotlib marker; grid (bool): draw a grid.
    """

    def __init__(self, y_keys, x_key='iteration', trigger=(1, 'epoch'), postprocess=None,
                 filename=None, marker='x', grid=True, file_name='plot.png'):
        self._y_keys = (y_keys,) if isinstance(y_keys, str) else tuple(y_keys)
        self._x_key = x_key
        self._trigger = util.get_trigger(trigger)
        self._postprocess = postprocess
        self._filename = file_name if filename is None else filename
        self._marker = marker
        self._grid = grid
        self._data = {k: [] for k in self._y_keys}
        self._figure = None
        self._lines = {}          # key -> its Line2D in self._figure
        self._init_summary()
        if not _available():
            _warn_missing()

    @staticmethod
    def available():
        """Whether matplotlib is installed (warns once if it is not)."""
        if not _available():
            _warn_missing()
            return False
        return True

    def __call__(self, trainer):
        obs = trainer.observation
        self._summary.add({k: obs[k] for k in self._y_keys if k in obs})
        if not self._trigger(trainer):
            return
        stats = {k: float(v) for k, v in self._summary.compute_mean().items()}
        stats['epoch'] = trainer.updater.epoch
        stats['iteration'] = trainer.updater.iteration
        x = stats[self._x_key]
        for k in self._y_keys:
            if k in stats:
                self._data[k].append((x, stats[k]))
        if _available():
            self._plot(os.path.join(trainer.out, self._filename))
        self._init_summary()

    def _plot(self, path):
        keys = [k for k in self._y_keys if self._data[k]]
        if not keys:
            return
        fig, ax = self._axes(keys)
        for k in keys:
            xs, ys = [p[0] for p in self._data[k]], [p[1] for p in self._data[k]]
            if k in self._lines:
                self._lines[k].set_data(xs, ys)
            else:
                self._lines[k], = ax.plot(xs, ys, marker=self._marker, label=k)
        ax.relim()
        ax.autoscale_view()
        if self._postprocess is not None:
            self._postprocess(fig, ax, self._summary)
        legend = ax.legend(bbox_to_anchor=(1.05, 1), loc=2, borderaxespad=0.)
        util.write_atomically(path, lambda tmp: fig.savefig(
            tmp, format=os.path.splitext(path)[1][1:] or 'png',
            bbox_extra_artists=(legend,), bbox_inches='tight'))

    def _axes(self, keys):
        """The figure and axes to draw `keys` into: the kept ones when they hold
        exactly the lines of `keys` and no postprocess touched them, else new ones."""
        if self._figure is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
            self._figure = Figure()
            FigureCanvasAgg(self._figure)
        elif self._postprocess is None and list(self._lines) == keys:
            return self._figure, self._figure.axes[0]
        self._figure.clear()
        self._lines = {}
        ax = self._figure.add_subplot(111)
        ax.set_xlabel(self._x_key)
        if self._grid:
            ax.grid()
        return self._figure, ax

    def _init_summary(self):
        self._summary = DictSummary()

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        data = util.serialize_json(serializer, '_plot_' + self._filename, self._data)
        self._data = {k: [tuple(p) for p in v] for k, v in data.items()}

"""VariableStatisticsPlot: percentile bands of parameters (or any Variables) over time."""
import os

import numpy

from chainfuse import backend
from chainfuse.training import extension
from chainfuse.training import util
from chainfuse.training.extensions import plot_report

_PERCENTILE_SIGMAS = (0, 0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87, 100)


class VariableStatisticsPlot(extension.Extension):
    """Plots how the values (and gradients) of `targets` are distributed as training runs.

    Each time `trigger` fires it flattens the arrays of all targets together and
    records, for 'data' and 'grad', the mean, the standard deviation and the
    percentiles `percentile_sigmas` (by default those of -inf, -3..3 sigma, +inf).
    The figure shows one panel per kind: nested percentile bands, the mean line
    and a mean +- std band, against the iteration.  History beyond
    `max_sample_size` points is thinned by dropping every other point.  Without
    matplotlib it records the statistics and warns once that nothing is drawn.

    Args:
        targets: a Link (its parameters), a Variable, or a list of them.
        max_sample_size (int): most points kept per curve.
        report_data, report_grad (bool): which arrays to look at.
        plot_mean, plot_std (bool): draw the mean line / the std band.
        percentile_sigmas: percentiles to draw as bands (symmetric pairs).
        trigger: when to record (default ``(1, 'epoch')``).
        filename (str): image file in the output directory.
        figsize, marker, grid: matplotlib options.
    """

    def __init__(self, targets, max_sample_size=1000, report_data=True, report_grad=True,
                 plot_mean=True, plot_std=True, percentile_sigmas=_PERCENTILE_SIGMAS,
                 trigger=(1, 'epoch'), filename='statistics.png', figsize=None, marker=None,
                 grid=True):
        self._vars = _variables(targets)
        self._keys = (['data'] if report_data else []) + (['grad'] if report_grad else [])
        if not self._keys:
            raise ValueError('VariableStatisticsPlot: report_data or report_grad must be True')
        self._max_sample_size = max_sample_size
        self._plot_mean = plot_mean
        self._plot_std = plot_std
        self._percentiles = tuple(percentile_sigmas)
        self._trigger = util.get_trigger(trigger)
        self._filename = filename
        self._figsize = figsize
        self._marker = marker
        self._grid = grid
        self._history = []  # [iteration, {key: [mean, std, *percentiles]}]
        if not plot_report._available():
            plot_report._warn_missing()

    @property
    def history(self):
        return self._history

    def __call__(self, trainer):
        if not self._trigger(trainer):
            return
        stats = {key: self._statistics(key) for key in self._keys}
        self._history.append([trainer.updater.iteration, stats])
        if len(self._history) > self._max_sample_size:
            self._history = self._history[::2]
        if plot_report._available():
            self._plot(os.path.join(trainer.out, self._filename))

    def _statistics(self, key):
        arrays = [getattr(v, key) for v in self._vars]
        arrays = [backend.to_cpu(a).ravel() for a in arrays if a is not None]
        if not arrays:
            return [float('nan')] * (2 + len(self._percentiles))
        x = numpy.concatenate(arrays).astype(numpy.float64)
        return [float(x.mean()), float(x.std())] + \
            [float(p) for p in numpy.percentile(x, self._percentiles)]

    def _plot(self, path):
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, len(self._keys), figsize=self._figsize, squeeze=False)
        its = numpy.array([h[0] for h in self._history])
        for ax, key in zip(axes[0], self._keys):
            s = numpy.array([h[1][key] for h in self._history])
            self._plot_panel(ax, key, its, s)
        fig.tight_layout()
        util.write_atomically(path, lambda tmp: fig.savefig(
            tmp, format=os.path.splitext(path)[1][1:] or 'png'))
        plt.close(fig)

    def _plot_panel(self, ax, key, its, s):
        n = len(self._percentiles)
        for i in range(n // 2):  # nested bands, outermost first
            ax.fill_between(its, s[:, 2 + i], s[:, 1 + n - i], alpha=0.1 + 0.8 * i / n,
                            color='tab:blue', linewidth=0)
        if self._plot_std:
            ax.fill_between(its, s[:, 0] - s[:, 1], s[:, 0] + s[:, 1], color='tab:orange',
                            alpha=0.2, linewidth=0)
        if self._plot_mean:
            ax.plot(its, s[:, 0], color='tab:orange', marker=self._marker, label='mean')
        ax.set_title(key)
        ax.set_xlabel('iteration')
        if self._grid:
            ax.grid()

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._history = util.serialize_json(serializer, '_history', self._history)


def _variables(targets):
    if not isinstance(targets, (list, tuple)):
        targets = [targets]
    out = []
    for t in targets:
        params = getattr(t, 'params', None)
        out.extend(params() if callable(params) else [t])
    return out

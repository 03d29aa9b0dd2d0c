"""ParameterStatistics: reports statistics of the parameters and gradients of links."""
import numpy

from chainfuse import backend
from chainfuse.reporter import DictSummary, report
from chainfuse.training import extension
from chainfuse.training import util


def _xp(x):
    return backend.get_array_module(x)


class ParameterStatistics(extension.Extension):
    """Reports, for every parameter of `links`, statistics of its values and gradients.

    Keys look like ``'predictor/l1/W/data/mean'`` for a root link (a named link's
    name comes first: ``'l1/W/grad/std'``), prefixed by `prefix` + '/'.
    A statistic returning several values (percentile) gets one key per value
    (``.../percentile/0`` ...).  Values are averaged over `trigger`'s interval
    and reported when it fires.

    Args:
        links: a Link or a list of Links.
        statistics: dict ``name -> f(flat_array)``, 'default' (mean, std, min,
            max, zeros, percentile) or None.
        report_params, report_grads (bool): which arrays to look at.
        prefix (str): key prefix.
        trigger: interval (default ``(1, 'epoch')``).
        skip_nan_params (bool): report NaN instead of computing on NaN arrays.
    """

    default_name = 'parameter_statistics'
    priority = extension.PRIORITY_WRITER
    report_key_template = '{prefix}{link_name}{param_name}/{attr_name}/{function_name}'
    default_statistics = {
        'mean': lambda x: _xp(x).mean(x),
        'std': lambda x: _xp(x).std(x),
        'min': lambda x: _xp(x).min(x),
        'max': lambda x: _xp(x).max(x),
        'zeros': lambda x: _xp(x).count_nonzero(x == 0),
        'percentile': lambda x: _xp(x).percentile(
            x, (0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87)),
    }

    def __init__(self, links, statistics='default', report_params=True, report_grads=True,
                 prefix=None, trigger=(1, 'epoch'), skip_nan_params=False):
        self._links = list(links) if isinstance(links, (list, tuple)) else [links]
        if statistics is None:
            statistics = {}
        elif isinstance(statistics, str) and statistics == 'default':
            statistics = self.default_statistics
        self._statistics = dict(statistics)
        self._attrs = (['data'] if report_params else []) + (['grad'] if report_grads else [])
        self._prefix = prefix
        self._trigger = util.get_trigger(trigger)
        self._skip_nan_params = skip_nan_params
        self._init_summary()

    def __call__(self, trainer):
        stats = {}
        for link in self._links:
            link_name = getattr(link, 'name', None) or ''
            for param_name, param in link.namedparams():
                if not link_name:  # a root link: 'predictor/l1/W', not '/predictor/l1/W'
                    param_name = param_name.lstrip('/')
                for attr_name in self._attrs:
                    array = getattr(param, attr_name)
                    if array is not None:
                        stats.update(self._statistics_of(array.ravel(), link_name, param_name,
                                                         attr_name))
        self._summary.add(stats)
        if self._trigger(trainer):
            report(self._summary.compute_mean())
            self._init_summary()

    def _statistics_of(self, flat, link_name, param_name, attr_name):
        out = {}
        has_nan = self._skip_nan_params and bool(_xp(flat).isnan(flat).any())
        for function_name, function in self._statistics.items():
            key = self.report_key_template.format(
                prefix=self._prefix + '/' if self._prefix else '', link_name=link_name,
                param_name=param_name, attr_name=attr_name, function_name=function_name)
            value = numpy.nan if has_nan else function(flat)
            if getattr(value, 'size', 1) > 1:
                out.update({f'{key}/{i}': v for i, v in enumerate(value)})
            else:
                out[key] = value
        return out

    def _init_summary(self):
        self._summary = DictSummary()

    def serialize(self, serializer):
        if hasattr(self._trigger, 'serialize'):
            self._trigger.serialize(serializer['_trigger'])
        self._summary.serialize(serializer['_summary'])

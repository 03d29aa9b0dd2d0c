"""Trainer extensions, one per file, with Chainer's names."""
from chainfuse.training.extensions._snapshot import snapshot, snapshot_object  # noqa: F401
from chainfuse.training.extensions.computational_graph import DumpGraph, dump_graph  # noqa
from chainfuse.training.extensions.confusion_matrix import ConfusionMatrix  # noqa: F401
from chainfuse.training.extensions.evaluator import Evaluator  # noqa: F401
from chainfuse.training.extensions.exponential_shift import ExponentialShift  # noqa: F401
from chainfuse.training.extensions.fail_on_nonnumber import FailOnNonNumber  # noqa: F401
from chainfuse.training.extensions.inverse_shift import InverseShift  # noqa: F401
from chainfuse.training.extensions.linear_shift import LinearShift  # noqa: F401
from chainfuse.training.extensions.log_report import LogReport  # noqa: F401
from chainfuse.training.extensions.micro_average import MicroAverage  # noqa: F401
from chainfuse.training.extensions.multistep_shift import MultistepShift  # noqa: F401
from chainfuse.training.extensions.parameter_statistics import ParameterStatistics  # noqa
from chainfuse.training.extensions.plot_report import PlotReport  # noqa: F401
from chainfuse.training.extensions.polynomial_shift import PolynomialShift  # noqa: F401
from chainfuse.training.extensions.print_report import PrintReport  # noqa: F401
from chainfuse.training.extensions.progress_bar import ProgressBar  # noqa: F401
from chainfuse.training.extensions.step_shift import StepShift  # noqa: F401
from chainfuse.training.extensions.value_observation import observe_lr, observe_value  # noqa
from chainfuse.training.extensions.variable_unchain import unchain_variables  # noqa: F401
from chainfuse.training.extensions.variable_statistics_plot import (  # noqa: F401
    VariableStatisticsPlot)
from chainfuse.training.extensions.warmup_shift import WarmupShift  # noqa: F401

__all__ = ['snapshot', 'snapshot_object', 'dump_graph', 'DumpGraph', 'ConfusionMatrix',
           'Evaluator', 'ExponentialShift', 'FailOnNonNumber', 'InverseShift', 'LinearShift',
           'LogReport', 'PolynomialShift',
           'MicroAverage', 'MultistepShift', 'ParameterStatistics', 'PlotReport',
           'PrintReport', 'ProgressBar', 'StepShift', 'observe_lr', 'observe_value',
           'unchain_variables',
           'VariableStatisticsPlot', 'WarmupShift']

"""TimerHook: how long each function node's forward and backward took."""
import sys
import time

from chainfuse import backend
from chainfuse.function_hook import FunctionHook
from chainfuse.function_hooks import _report


class TimerHook(FunctionHook):
    """Measures the elapsed time of every function node's forward and backward.

    ``call_history`` lists ``(function label, seconds)``; nested applications (a
    function applying others inside its forward) count toward `total_time` once, at
    the outermost level.  On the GPU the time is measured with CUDA events.

    Example::

        with TimerHook() as hook:
            trainer.run()
        hook.print_report()
    """

    name = 'TimerHook'
    table = {'sec': 1, 'ms': 10 ** 3, 'us': 10 ** 6, 'ns': 10 ** 9}

    def __init__(self):
        self.call_history = []
        self._running = []
        self._total_time = 0.0

    def _start(self, arrays):
        xp = backend.get_array_module(*[a for a in arrays if a is not None])
        if xp.__name__ == 'numpy':
            self._running.append((None, time.perf_counter()))
        else:  # pragma: no cover - needs CuPy
            start, stop = xp.cuda.Event(), xp.cuda.Event()
            start.record()
            self._running.append((xp, (start, stop)))

    def _stop(self, function):
        xp, mark = self._running.pop()
        if xp is None:
            elapsed = time.perf_counter() - mark
        else:  # pragma: no cover - needs CuPy
            start, stop = mark
            stop.record()
            stop.synchronize()
            elapsed = xp.cuda.get_elapsed_time(start, stop) / 1000
        self.call_history.append((function.label, elapsed))
        if not self._running:
            self._total_time += elapsed

    def forward_preprocess(self, function, in_data):
        self._start(in_data)

    def forward_postprocess(self, function, in_data):
        self._stop(function)

    def backward_preprocess(self, function, in_data, out_grad):
        self._start(in_data + out_grad)

    def backward_postprocess(self, function, in_data, out_grad):
        self._stop(function)

    def total_time(self):
        """Seconds spent in the outermost measured functions."""
        return self._total_time

    def summary(self):
        """{function label: {'elapsed_time': seconds, 'occurrence': calls}}."""
        return _report.summarize(self.call_history, ('elapsed_time',))

    def print_report(self, unit='auto', file=None):
        """Prints FunctionName, ElapsedTime and Occurrence per function label.

        `unit` is 'sec', 'ms', 'us', 'ns', 'auto' (one unit fitting the largest time)
        or 'auto_foreach' (a unit per row)."""
        file = sys.stdout if file is None else file
        summary = self.summary()
        if unit not in self.table and unit not in ('auto', 'auto_foreach'):
            raise ValueError(f"print_report: unit must be one of {sorted(self.table)}, "
                             f"'auto' or 'auto_foreach', got {unit!r}")
        units = ['sec', 'ms', 'us', 'ns']
        if unit == 'auto' and summary:
            factor, unit = _report.choose_unit(
                max(r['elapsed_time'] for r in summary.values()), units, 1000.0)
        elif unit in self.table:
            factor = self.table[unit]
        rows = [['FunctionName', 'ElapsedTime', 'Occurrence']]
        for name, record in summary.items():
            seconds = record['elapsed_time']
            if unit == 'auto_foreach':
                f, u = _report.choose_unit(seconds, units, 1000.0)
            else:
                f, u = factor, unit
            rows.append([name, f'{seconds * f:3.2f}{u}', str(record['occurrence'])])
        _report.write_table(rows, file)

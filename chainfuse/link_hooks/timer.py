import collections
import sys
import time

import numpy

from chainfuse.link_hooks.link_hook import LinkHook


class TimerHook(LinkHook):
    """Measures the forward time of every link call (Chainer's ``TimerLinkHook``).

    ``call_history`` lists ``(link class name, seconds)`` per call; `total_time` sums
    the outermost calls only (a Chain's time includes its children's), `summary` groups
    by class and `print_report` prints a table.  On a GPU the time is measured with CUDA
    events.  Not traceable: a compiled call with this hook active runs eagerly.
    """

    name = 'TimerHook'
    table = {'sec': 1, 'ms': 10 ** 3, 'us': 10 ** 6, 'ns': 10 ** 9}

    def __init__(self):
        self.call_history = []
        self._running_stack = []
        self._depth = 0
        self._total_time = 0

    def forward_preprocess(self, args):
        self.xp = args.link.xp
        if self.xp is numpy:
            self._running_stack.append(time.perf_counter())
        else:  # pragma: no cover - needs a GPU
            import cupy
            start, stop = cupy.cuda.Event(), cupy.cuda.Event()
            start.record()
            self._running_stack.append((start, stop))
        self._depth += 1

    def forward_postprocess(self, args):
        if self.xp is numpy:
            elapsed = time.perf_counter() - self._running_stack.pop()
        else:  # pragma: no cover - needs a GPU
            import cupy
            start, stop = self._running_stack.pop()
            stop.record()
            stop.synchronize()
            elapsed = cupy.cuda.get_elapsed_time(start, stop) / 1000
        self.call_history.append((type(args.link).__name__, elapsed))
        self._depth -= 1
        if self._depth == 0:
            self._total_time += elapsed

    def total_time(self):
        """Seconds spent in the outermost link calls."""
        return self._total_time

    def summary(self):
        """OrderedDict: link class name -> {'elapsed_time', 'occurrence'}."""
        summary = collections.OrderedDict()
        for name, elapsed in self.call_history:
            record = summary.setdefault(name, {'elapsed_time': 0, 'occurrence': 0})
            record['elapsed_time'] += elapsed
            record['occurrence'] += 1
        return summary

    @staticmethod
    def _choose_unit(second):
        factor = 1
        for unit in ('sec', 'ms', 'us'):
            if second * factor >= 1:
                return factor, unit
            factor *= 1000.0
        return factor, 'ns'

    def print_report(self, unit='auto', file=sys.stdout):
        """Prints LinkName / ElapsedTime / Occurrence; unit 'auto' (one unit for all),
        'auto_foreach' or one of 'sec', 'ms', 'us', 'ns'."""
        summary = self.summary()
        entries = [['LinkName', 'ElapsedTime', 'Occurrence']]
        per_entry = unit == 'auto_foreach'
        if unit == 'auto':
            factor, unit = self._choose_unit(
                max((r['elapsed_time'] for r in summary.values()), default=0))
        elif not per_entry:
            if unit not in self.table:
                raise ValueError(f"print_report: unit must be 'auto', 'auto_foreach' or one "
                                 f'of {sorted(self.table)}, got {unit!r}')
            factor = self.table[unit]
        for name, record in summary.items():
            second = record['elapsed_time']
            if per_entry:
                factor, unit = self._choose_unit(second)
            entries.append([name, f'{second * factor:3.2f}{unit}',
                            str(record['occurrence'])])
        widths = [max(len(row[k]) for row in entries) for k in range(3)]
        template = '  '.join('{:>%d}' % w for w in widths)
        for row in entries:
            file.write(template.format(*row))
            file.write('\n')
        file.flush()


TimerLinkHook = TimerHook

"""CupyMemoryProfileHook: GPU memory each function node takes from CuPy's memory pool."""
import sys

from chainfuse import backend
from chainfuse.function_hook import FunctionHook
from chainfuse.function_hooks import _report


def _cumulative_memory_hook():
    """A CuPy MemoryHook that adds up the bytes taken from the pool (``used_bytes``) and
    from the device (``acquired_bytes``)."""
    from cupy.cuda import memory_hook

    class Cumulative(memory_hook.MemoryHook):
        name = 'ChainfuseMemoryCumulativeHook'

        def __init__(self):
            self.used_bytes = 0
            self.acquired_bytes = 0

        def alloc_preprocess(self, **kwargs):
            self.acquired_bytes += kwargs['mem_size']

        def malloc_preprocess(self, **kwargs):
            self.used_bytes += kwargs['mem_size']

    return Cumulative()


class CupyMemoryProfileHook(FunctionHook):
    """Records, for every function node run on the GPU, the bytes it took from CuPy's
    memory pool (``UsedBytes``) and the bytes the pool took from the device
    (``AcquiredBytes``).  Needs CuPy: without it, creating the hook raises a
    RuntimeError (`chainfuse.backend.DeviceUnavailableError`) saying so.

    Example::

        with CupyMemoryProfileHook() as hook:
            trainer.run()
        hook.print_report()
    """

    name = 'CupyMemoryProfileHook'
    _units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB']
    _table = {u: 1024.0 ** i for i, u in enumerate(_units)}

    def __init__(self):
        backend.check_cuda_available('CupyMemoryProfileHook')
        self.call_history = []
        self._memory_hook = _cumulative_memory_hook()
        self._running = []
        self._total_used_bytes = 0
        self._total_acquired_bytes = 0

    def added(self, function=None):
        self._memory_hook.__enter__()

    def deleted(self, function=None):
        self._memory_hook.__exit__()

    def _start(self):
        self._running.append((self._memory_hook.used_bytes, self._memory_hook.acquired_bytes))

    def _stop(self, function):
        used0, acquired0 = self._running.pop()
        used = self._memory_hook.used_bytes - used0
        acquired = self._memory_hook.acquired_bytes - acquired0
        self.call_history.append((function.label, used, acquired))
        if not self._running:
            self._total_used_bytes += used
            self._total_acquired_bytes += acquired

    def forward_preprocess(self, function, in_data):
        self._start()

    def forward_postprocess(self, function, in_data):
        self._stop(function)

    def backward_preprocess(self, function, in_data, out_grad):
        self._start()

    def backward_postprocess(self, function, in_data, out_grad):
        self._stop(function)

    def total_used_bytes(self):
        """Bytes the outermost functions took from CuPy's memory pool."""
        return self._total_used_bytes

    def total_acquired_bytes(self):
        """Bytes CuPy's memory pool took from the device during the outermost functions."""
        return self._total_acquired_bytes

    def summary(self):
        """{label: {'used_bytes', 'acquired_bytes', 'occurrence'}}."""
        return _report.summarize(self.call_history, ('used_bytes', 'acquired_bytes'))

    def _choose_unit(self, size):
        """(divisor, unit): the largest unit in which `size` is at least 1."""
        divisor = 1.0
        for unit in self._units[:-1]:
            if size < divisor * 1024:
                return divisor, unit
            divisor *= 1024
        return divisor, self._units[-1]

    def print_report(self, unit='auto', file=None):
        """Prints FunctionName, UsedBytes, AcquiredBytes and Occurrence per label;
        `unit` is one of B, KB, ... ZB, 'auto' or 'auto_foreach'."""
        file = sys.stdout if file is None else file
        summary = self.summary()
        if unit not in self._table and unit not in ('auto', 'auto_foreach'):
            raise ValueError(f'print_report: unit must be one of {self._units}, '
                             f"'auto' or 'auto_foreach', got {unit!r}")
        fixed = None
        if unit == 'auto' and summary:
            fixed = (self._choose_unit(max(r['used_bytes'] for r in summary.values())),
                     self._choose_unit(max(r['acquired_bytes'] for r in summary.values())))
        elif unit in self._table:
            fixed = ((self._table[unit], unit),) * 2
        rows = [['FunctionName', 'UsedBytes', 'AcquiredBytes', 'Occurrence']]
        for name, r in summary.items():
            (du, uu), (da, ua) = fixed or (self._choose_unit(r['used_bytes']),
                                           self._choose_unit(r['acquired_bytes']))
            rows.append([name, f"{r['used_bytes'] / du:3.2f}{uu}",
                         f"{r['acquired_bytes'] / da:3.2f}{ua}", str(r['occurrence'])])
        _report.write_table(rows, file)

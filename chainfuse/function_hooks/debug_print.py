"""PrintHook: prints what goes into each function node's forward and backward."""
import sys
import warnings

from chainfuse import backend
from chainfuse.core.variable import Variable
from chainfuse.function_hook import FunctionHook


class PrintHook(FunctionHook):
    """Prints, before each forward and backward, the function's label and a summary of
    its input arrays (``Variable.debug_print``: shape, dtype, mean and std) and, for
    backward, of its output gradients.

    Args:
        sep: ignored (deprecated in Chainer 4).
        end: written after each printed item.
        file: where to write (standard output by default).
        flush: flush `file` after each function.
    """

    name = 'PrintHook'

    def __init__(self, sep=None, end='\n', file=None, flush=True):
        if sep is not None:
            warnings.warn('PrintHook: the sep argument is deprecated and ignored',
                          DeprecationWarning, stacklevel=2)
        self.sep = sep
        self.end = end
        self.file = sys.stdout if file is None else file
        self.flush = flush

    def _print(self, text):
        self.file.write(text + self.end)

    def _process(self, function, in_data, out_grad=None):
        self._print(f'function\t{function.label}')
        self._print('input data')
        for d in in_data:
            self._print('(removed)' if d is None
                        else Variable(d, requires_grad=False).debug_print())
        if out_grad is not None:
            self._print('output gradient')
            for g in out_grad:
                if g is None:
                    self._print(Variable(None).debug_print())
                    continue
                v = Variable(backend.get_array_module(g).zeros_like(g), requires_grad=False)
                v.grad = g
                self._print(v.debug_print())
        if self.flush and hasattr(self.file, 'flush'):
            self.file.flush()

    def forward_preprocess(self, function, in_data):
        self._process(function, in_data)

    def backward_preprocess(self, function, in_data, out_grad):
        self._process(function, in_data, out_grad)

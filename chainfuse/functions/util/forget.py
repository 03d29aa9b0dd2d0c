from chainfuse.config import config, force_backprop_mode, no_backprop_mode
from chainfuse.core import tracing
from chainfuse.core.backprop import grad
from chainfuse.core.function_node import FunctionNode
from chainfuse.core.variable import Variable


def _call(func, xs):
    outs = func(*xs)
    if isinstance(outs, Variable):
        return (outs,)
    if isinstance(outs, tuple) and all(isinstance(o, Variable) for o in outs):
        return outs
    raise RuntimeError(f'forget: func must return a Variable or a tuple of Variables, got '
                       f'{type(outs).__name__}')


class Forget(FunctionNode):
    """Runs `func` without keeping its intermediate values; the backward runs it again
    (with backprop) and backpropagates through that recomputation."""

    def __init__(self, func):
        if not callable(func):
            raise TypeError('forget: func must be callable')
        self.func = func

    @property
    def label(self):
        return f'Forget({getattr(self.func, "__name__", "func")})'

    def forward(self, inputs):
        if tracing.current() is not None:
            # the ops func applies would be recorded as if they computed the output, but
            # the gradient comes from a recomputation a plan cannot express
            from chainfuse.tracer.errors import GraphBreak
            raise GraphBreak('F.forget recomputes its function in the backward pass, which '
                             'a compiled plan cannot express')
        self.retain_inputs(tuple(range(len(inputs))))
        with no_backprop_mode():
            outs = _call(self.func, [Variable(x) for x in inputs])
        return tuple(o.array for o in outs)

    def backward(self, target_input_indexes, grad_outputs):
        if config.enable_backprop:
            raise RuntimeError('forget: double backpropagation through forget is not '
                               'supported (the recomputed graph is discarded)')
        inputs = [Variable(x.array) for x in self.get_retained_inputs()]
        with force_backprop_mode():
            outs = _call(self.func, inputs)
            pairs = [(o, g) for o, g in zip(outs, grad_outputs) if g is not None]
            gxs = grad([o for o, _ in pairs], inputs, grad_outputs=[g for _, g in pairs])
        return tuple(gxs[i] for i in target_input_indexes)


def forget(func, *xs):
    """``func(*xs)`` computed without storing its intermediate values for backprop: they
    are recomputed in the backward pass, trading time for memory (Chainer's
    ``F.forget``).  Inside a compiled call this is a graph break (the call runs
    eagerly): the compiler plans memory itself."""
    xs = tuple(x if isinstance(x, Variable) else Variable(x) for x in xs)
    ys = Forget(func).apply(xs)
    return ys[0] if len(ys) == 1 else ys

"""Old-style `Function`: forward and backward written on arrays (Chainer v1 style).

Kept so tutorial code that subclasses ``chainer.Function`` runs.  Its backward is
not recorded, so it cannot be differentiated twice and the tracer cannot look
inside it; new code should write a `FunctionNode` or compose registry ops.
"""
from chainfuse import backend
from chainfuse.core.function_node import FunctionNode
from chainfuse.core.variable import Variable
from chainfuse.utils import type_check


class Function:
    """Subclass and write ``forward(inputs)`` and ``backward(inputs, grad_outputs)``
    on tuples of arrays (or ``forward_cpu``/``forward_gpu`` and likewise)."""

    def __call__(self, *inputs):
        node = FunctionAdapter(self)
        self.node = node
        outs = node.apply(inputs)
        return outs[0] if len(outs) == 1 else outs

    @property
    def label(self):
        return type(self).__name__

    @property
    def inputs(self):
        return self.node.inputs

    @property
    def outputs(self):
        return self.node.outputs

    @property
    def output_data(self):
        return tuple(None if r() is None else r()._data for r in self.node.outputs)

    def check_type_forward(self, in_types):
        """Override to check the inputs with `chainfuse.utils.type_check` expressions."""

    def forward(self, inputs):
        if backend.get_array_module(*inputs).__name__ == 'numpy':
            return self.forward_cpu(inputs)
        return self.forward_gpu(inputs)

    def forward_cpu(self, inputs):
        raise NotImplementedError(f'{self.label} implements neither forward nor forward_cpu')

    def forward_gpu(self, inputs):
        raise NotImplementedError(f'{self.label} implements neither forward nor forward_gpu')

    def backward(self, inputs, grad_outputs):
        xp = backend.get_array_module(*inputs)
        if xp.__name__ == 'numpy':
            return self.backward_cpu(inputs, grad_outputs)
        return self.backward_gpu(inputs, grad_outputs)

    def backward_cpu(self, inputs, grad_outputs):
        return tuple(None for _ in inputs)

    def backward_gpu(self, inputs, grad_outputs):
        return tuple(None for _ in inputs)

    def retain_inputs(self, indexes):
        pass

    def retain_outputs(self, indexes):
        pass


class FunctionAdapter(FunctionNode):
    """The FunctionNode that runs an old-style `Function` (``chainer.FunctionAdapter``)."""

    def __init__(self, function):
        self.function = function

    @property
    def label(self):
        return self.function.label

    def _check_types(self, in_data):
        function = self.function
        if type(function).check_type_forward is not Function.check_type_forward:
            type_check.check_function(self, function.check_type_forward, in_data)

    def forward(self, inputs):
        self._in_data = inputs
        outs = self.function.forward(inputs)
        return tuple(outs)

    def backward(self, target_input_indexes, grad_outputs):
        gys = tuple(None if g is None else g._data for g in grad_outputs)
        outs = [r() for r in self.outputs]
        gys = tuple(g if g is not None or y is None else y.xp.zeros_like(y._data)
                    for g, y in zip(gys, outs))
        gxs = self.function.backward(self._in_data, gys)
        return tuple(None if gxs[i] is None else Variable(gxs[i], requires_grad=False)
                     for i in target_input_indexes)

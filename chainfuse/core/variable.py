"""Variable and Parameter: arrays that remember how they were computed.

A Variable holds an array (`.array`, alias `.data`), its gradient (`.grad` /
`.grad_var`), and, when an op produced it with backprop enabled, its `creator`
FunctionNode.  The graph is the chain of creators; `backward()` walks it.
"""
import numpy

from chainfuse import backend
from chainfuse.core.tracing import local as _tracing
from chainfuse.ops.registry import short_dtype

# While a tracer records, ``tracer.on_concretize(variable, how)`` is called whenever a
# Variable's value leaves the graph (``.array`` read, bool/int/float/item/len) and returns
# the array to hand out; it raises GraphBreak where the trace would depend on the data.


def _check_array(data, who):
    if data is None or isinstance(data, numpy.ndarray) or backend.is_cupy_array(data):
        return
    raise TypeError(
        f'{who}: expected a numpy.ndarray or cupy.ndarray (or None), got {type(data).__name__}. '
        'Wrap Python numbers with numpy.asarray(..., dtype=numpy.float32).')


class Variable:
    """An array node of the computational graph.

    Args:
        data: numpy/cupy array, or None for a Variable to be filled later.
        name: an optional name shown in graph dumps.
        grad: an optional initial gradient array.
        requires_grad: whether backward() should compute a gradient for it.
    """

    __array_priority__ = 200

    def __init__(self, data=None, *, name=None, grad=None, requires_grad=True):
        _check_array(data, 'Variable')
        self._data = data
        self._grad_var = None if grad is None else Variable(grad, requires_grad=False)
        self.creator = None
        self._output_index = 0
        self.rank = 0
        self.name = name
        self._requires_grad = requires_grad

    # ---- data and grad ----
    @property
    def array(self):
        tracer = _tracing.tracer
        if tracer is not None:
            return tracer.on_concretize(self, '.array')
        return self._data

    @array.setter
    def array(self, value):
        _check_array(value, 'Variable.array')
        self._data = value

    data = array

    @property
    def grad_var(self):
        return self._grad_var

    @grad_var.setter
    def grad_var(self, g):
        if g is not None and not isinstance(g, Variable):
            raise TypeError(f'grad_var must be a Variable or None, got {type(g).__name__}')
        self._grad_var = g

    @property
    def grad(self):
        return None if self._grad_var is None else self._grad_var._data

    @grad.setter
    def grad(self, g):
        if g is None:
            self._grad_var = None
            return
        _check_array(g, 'Variable.grad')
        if self._data is not None and tuple(g.shape) != tuple(self._data.shape):
            raise ValueError(f'Variable.grad: gradient shape {g.shape} does not match the '
                             f'variable shape {self._data.shape}')
        if self._data is not None and g.dtype != self._data.dtype:
            raise TypeError(f'Variable.grad: gradient dtype {g.dtype} does not match the '
                            f'variable dtype {self._data.dtype}')
        self._grad_var = Variable(g, requires_grad=False)

    @property
    def requires_grad(self):
        return self._requires_grad

    @property
    def creator_node(self):
        return self.creator

    @creator_node.setter
    def creator_node(self, node):
        self.creator = node
        self.rank = 0 if node is None else node.rank + 1

    # ---- array-like attributes ----
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        return self._data.size

    @property
    def xp(self):
        return backend.get_array_module(self._data)

    @property
    def device(self):
        return backend.get_device_from_array(self._data)

    def __len__(self):
        tracer = _tracing.tracer
        if tracer is not None:
            tracer.on_concretize(self, 'len()')
        if self._data is None or self._data.ndim == 0:
            raise TypeError('len() of a 0-dimensional Variable')
        return self._data.shape[0]

    @property
    def label(self):
        if self._data is None:
            return '(None)'
        if self._data.ndim == 0:
            return f'() {self._data.dtype}'
        return f'({", ".join(map(str, self._data.shape))}), {self._data.dtype}'

    @property
    def aval_str(self):
        return f'{short_dtype(self.dtype)}[{",".join(map(str, self.shape))}]'

    # ---- conversions that read the value (graph breaks under tracing) ----
    def _concrete(self, how):
        tracer = _tracing.tracer
        if tracer is not None:
            return tracer.on_concretize(self, how)
        return self._data

    def __bool__(self):
        return bool(self._concrete('bool()'))

    def __float__(self):
        return float(self._concrete('float()'))

    def __int__(self):
        return int(self._concrete('int()'))

    def __index__(self):
        return int(self._concrete('int()'))

    def item(self):
        return self._concrete('.item()').item()

    def __array__(self, dtype=None, copy=None):
        data = backend.to_cpu(self._concrete('numpy.asarray()'))
        return data if dtype is None else data.astype(dtype)

    def __repr__(self):
        if self._data is None:
            return 'variable(None)'
        body = numpy.array2string(backend.to_cpu(self._data), separator=', ',
                                  prefix='variable(')
        name = '' if self.name is None else f' {self.name}'
        return f'variable{name}({body})'

    def __str__(self):
        if self._data is None:
            return 'None'
        return str(backend.to_cpu(self._data))

    def summary(self):
        name = '' if self.name is None else self.name
        return f'<variable {name}>'

    def debug_print(self):
        lines = [self.summary(), f'- device: {self.device}', f'- backend: {self.xp.__name__}',
                 f'- shape: {self.shape}', f'- dtype: {self.dtype}']
        if self.size:
            d = self._data
            lines += [f'- statistics: mean={float(d.mean()):.8f}, std={float(d.std()):.8f}']
        lines.append('- grad: None' if self.grad is None else
                     f'- grad: mean={float(self.grad.mean()):.8f}, '
                     f'std={float(self.grad.std()):.8f}')
        return '\n'.join(lines)

    # ---- graph manipulation ----
    def set_creator(self, node):
        self.creator_node = node

    def cleargrad(self):
        self._grad_var = None

    def zerograd(self):
        if self._data is None:
            return
        self._grad_var = Variable(self.xp.zeros_like(self._data), requires_grad=False)

    def unchain(self):
        """Cuts the link to the creator: this Variable becomes a leaf of a new graph."""
        self.creator = None
        self.rank = 0

    def unchain_backward(self):
        """Deletes every reference to creators reachable backward from this Variable."""
        seen = set()
        stack = [self.creator] if self.creator is not None else []
        self.unchain()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            for x in node.inputs or ():
                if x.creator is not None:
                    stack.append(x.creator)
                    x.unchain()
            node.unchain()

    def copydata(self, other):
        """Copies the array of `other` into this Variable's array (across devices too)."""
        src = other.array if isinstance(other, Variable) else other
        xp = self.xp
        if xp is numpy:
            numpy.copyto(self._data, backend.to_cpu(src))
        else:  # pragma: no cover - cupy
            self._data.set(backend.to_cpu(src)) if not backend.is_cupy_array(src) else \
                xp.copyto(self._data, src)

    def addgrad(self, other):
        g = other.grad
        if g is None:
            return
        g = backend.to_device(self.device, g)
        self.grad = g.copy() if self.grad is None else self.grad + g

    def to_device(self, device):
        device = backend.get_device(device)
        if self._data is not None:
            self._data = device.send(self._data)
        if self._grad_var is not None:
            self._grad_var._data = device.send(self._grad_var._data)
        return self

    def to_cpu(self):
        return self.to_device(backend.CPU)

    def to_gpu(self, device=None):
        return self.to_device(backend.get_device(0 if device is None else device))

    def backward(self, retain_grad=False, enable_double_backprop=False, loss_scale=None):
        """Computes gradients of this Variable w.r.t. every leaf that requires grad.

        Gradients accumulate into each leaf's `.grad` (call `cleargrads()` between
        steps).  A size-1 output gets an initial gradient of 1; a larger one needs
        `.grad` set first.  Intermediate gradients are freed unless `retain_grad`.
        With `enable_double_backprop`, the backward pass is itself recorded, so
        the gradients can be differentiated again.
        """
        from chainfuse.core import backprop
        backprop.backward(self, retain_grad, enable_double_backprop, loss_scale)

    # operators are installed by chainfuse.core.operators


class Parameter(Variable):
    """A Variable owned by a Link, optionally initialized lazily.

    ``Parameter(initializer, shape)`` fills itself at once; without a shape it stays
    uninitialized until `initialize(shape)` (a Link calls it on the first forward).
    """

    def __init__(self, initializer=None, shape=None, name=None):
        self.initializer = initializer
        self.update_rule = None
        if initializer is None:
            from chainfuse import initializers
            initializer = initializers.constant.NaN()
            self.initializer = initializer
        if isinstance(initializer, (numpy.ndarray,)) or backend.is_cupy_array(initializer):
            super().__init__(initializer, name=name)
            self.initializer = None
        else:
            super().__init__(None, name=name)
            if shape is not None:
                self.initialize(shape)
        self._device = backend.CPU

    @property
    def is_initialized(self):
        return self._data is not None

    def initialize(self, shape):
        from chainfuse import initializers
        device = getattr(self, '_device', backend.CPU)
        data = initializers.generate_array(self.initializer, shape, device.xp, device=device)
        self._data = data
        self._grad_var = None

    def to_device(self, device):
        self._device = backend.get_device(device)
        return super().to_device(device)

    @property
    def device(self):
        if self._data is None:
            return self._device
        return super().device

    @property
    def dtype(self):
        if self._data is None:
            return numpy.dtype(getattr(self.initializer, 'dtype', None) or numpy.float32)
        return self._data.dtype

    def cleargrad(self):
        self._grad_var = None

    def zerograd(self):
        if self._data is None:
            return
        super().zerograd()

    def __reduce__(self):
        return (_rebuild_parameter, (self._data, self.name, self.grad, self.initializer))


def _rebuild_parameter(data, name, grad, initializer):
    p = Parameter(data if data is not None else initializer, name=name)
    if grad is not None:
        p.grad = grad
    return p


def as_variable(x):
    """Returns `x` if it is a Variable, else wraps the array in one that needs no grad."""
    if isinstance(x, Variable):
        return x
    return Variable(x, requires_grad=False)


def as_array(x):
    return x.array if isinstance(x, Variable) else x


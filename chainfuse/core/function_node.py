"""FunctionNode: the single dispatch point of every op.

`FunctionNode.apply(inputs)` builds the graph in three steps:

1. It unwraps the inputs (Variables or arrays) and computes ``forward`` on the
   arrays.  For a registry op (`OpNode`) that is ``op.impl(xp, *arrays, **attrs)``,
   after ``op.infer`` has checked shapes and dtypes when ``config.type_check`` is on.
2. If backprop is enabled and any input requires grad, it records itself as the
   creator of the output Variables: it keeps its input Variables (to walk the graph
   backward) and weak references to its outputs; outputs named by
   `retain_outputs` keep their arrays so the backward rule can use them.
3. If a tracer is recording (`chainfuse.core.tracing`), it reports the node with its inputs
   and outputs, so the very same call is captured into the IR.  A recorder in
   *abstract* mode (the compiler's autodiff) replaces step 1 by the op's shape rule:
   outputs are placeholders of the right shape and dtype, nothing is computed.
"""
import weakref

import numpy

from chainfuse import backend, function_hook
from chainfuse.config import config
from chainfuse.core.calls import local as _calls
from chainfuse.core.tracing import local as _tracing
from chainfuse.core.variable import Variable
from chainfuse.ops import registry
from chainfuse.utils import type_check


_is_array = backend.is_array
_hooks_on = False       # a function hook is registered somewhere (function_hook.on_change)


def _set_hooks_on(on):
    global _hooks_on
    _hooks_on = on


function_hook.on_change(_set_hooks_on)


class FunctionNode:
    """A node of the graph: an operation applied to input Variables.

    Subclass it and write ``forward(self, inputs)`` on arrays (returning a tuple of
    arrays) and ``backward(self, target_input_indexes, grad_outputs)`` on Variables
    (returning one gradient Variable or None per input, or per target index).
    """

    inputs = None
    outputs = None
    rank = 0
    call = None     # the user-facing function call that applied it (core/calls.py)
    _retained_inputs = None
    _retained_outputs = None
    _retained_output_data = None
    _input_indexes_to_retain = None
    _output_indexes_to_retain = None

    @property
    def label(self):
        return type(self).__name__

    def apply(self, inputs):
        """Applies the function to Variables or arrays; returns a tuple of Variables."""
        in_data = tuple([x._data if isinstance(x, Variable) else x for x in inputs])
        rec = _tracing.tracer
        if rec is not None:
            in_data = rec.plain_arrays(in_data)
        self._check_inputs(in_data)
        if config.type_check:
            self._check_types(in_data)
        self._input_indexes_to_retain = None
        self._output_indexes_to_retain = None
        if rec is not None and rec.abstract:
            outputs = rec.abstract_forward(self, in_data)
        elif _hooks_on:
            outputs = self._forward_hooked(in_data)
        else:
            outputs = self.forward(in_data)
        if not isinstance(outputs, tuple):
            raise TypeError(f'{self.label}.forward must return a tuple of arrays, '
                            f'got {type(outputs).__name__}')
        if not all([type(y) is numpy.ndarray for y in outputs]):
            outputs = tuple([self._to_array(y, in_data) for y in outputs])

        requires_grad = config.enable_backprop and any(
            [isinstance(x, Variable) and x._requires_grad for x in inputs])
        if not requires_grad:
            ret = tuple([Variable(y, requires_grad=False) for y in outputs])
        else:
            self.inputs = tuple(x if isinstance(x, Variable) else Variable(x, requires_grad=False)
                                for x in inputs)
            self.rank = max(x.rank for x in self.inputs)
            self.call = _calls.call
            ret = tuple(Variable(y) for y in outputs)
            for i, y in enumerate(ret):
                y.creator = self
                y.rank = self.rank + 1
                y._output_index = i
            self.outputs = tuple(weakref.ref(y) for y in ret)
            retain = self._output_indexes_to_retain
            if retain is not None:
                self._retained_output_data = {i: outputs[i] for i in retain}
        if rec is not None:
            self.call = _calls.call       # a trace draws function nodes too (recorder)
            rec.record(self, inputs, ret)
        return ret

    def _forward_hooked(self, in_data):
        hooks = function_hook.hooks_for(self)
        for hook in hooks:
            hook.forward_preprocess(self, in_data)
        outputs = self.forward(in_data)
        for hook in hooks:
            hook.forward_postprocess(self, in_data)
        return outputs

    # ---- function hooks registered on this node (chainfuse.function_hook) ----
    @property
    def local_function_hooks(self):
        """This node's own hooks: an ordered dict name -> hook."""
        hooks = self.__dict__.get('_local_function_hooks')
        if hooks is None:
            hooks = self._local_function_hooks = function_hook.HookTable()
        return hooks

    def add_hook(self, hook, name=None):
        """Registers `hook` (a FunctionHook) for this node only, under `name`
        (default ``hook.name``)."""
        if not isinstance(hook, function_hook.FunctionHook):
            raise TypeError(f'add_hook: expected a chainfuse.FunctionHook, got '
                            f'{type(hook).__name__}')
        name = hook.name if name is None else name
        hooks = self.local_function_hooks
        if name in hooks:
            raise KeyError(f'{self.label} already has a function hook named {name!r}')
        hooks[name] = hook
        hook.added(self)

    def delete_hook(self, name):
        """Unregisters this node's hook `name`."""
        hooks = self.local_function_hooks
        if name not in hooks:
            raise KeyError(f'{self.label} has no function hook named {name!r}; it has '
                           f'{list(hooks)}')
        hooks[name].deleted(self)
        del hooks[name]

    def _check_inputs(self, in_data):
        if all([type(x) is numpy.ndarray for x in in_data]):
            return
        for i, x in enumerate(in_data):
            if not _is_array(x):
                raise TypeError(
                    f'{self.label}: input {i} must be a Variable, numpy.ndarray or '
                    f'cupy.ndarray, got {type(x).__name__}')

    @staticmethod
    def _to_array(y, in_data):
        if _is_array(y):
            return y
        xp = backend.get_array_module(*in_data)
        return xp.asarray(y)

    # ---- hooks for subclasses ----
    def check_type_forward(self, in_types):
        """Override to check the inputs with `chainfuse.utils.type_check` expressions
        (``type_check.expect(in_types[0].dtype.kind == 'f')``); a failed check raises
        ``type_check.InvalidType`` naming this function."""

    def _check_types(self, in_data):
        if type(self).check_type_forward is not FunctionNode.check_type_forward:
            type_check.check_function(self, self.check_type_forward, in_data)

    def forward(self, inputs):
        xp = backend.get_array_module(*inputs)
        if xp is numpy:
            return self.forward_cpu(inputs)
        return self.forward_gpu(inputs)

    def forward_cpu(self, inputs):
        raise NotImplementedError(f'{self.label} implements neither forward nor forward_cpu')

    def forward_gpu(self, inputs):
        raise NotImplementedError(f'{self.label} implements neither forward nor forward_gpu')

    def backward(self, target_input_indexes, grad_outputs):
        raise NotImplementedError(f'{self.label} does not implement backward')

    def partial_output_grads(self):
        """Names of outputs whose gradient, as ``backward(retain_grad=True)`` keeps it,
        would miss a part the node computes internally (a compiled call's results that
        its own graph also uses); () for an ordinary function."""
        return ()

    def backward_accumulate(self, target_input_indexes, grad_outputs, grad_inputs):
        """Computes input grads and adds them to `grad_inputs` (Variables or None)."""
        gxs = self.backward(target_input_indexes, grad_outputs)
        n_in = len(self.inputs)
        if not isinstance(gxs, (tuple, list)):
            raise TypeError(f'{self.label}.backward must return a tuple, got '
                            f'{type(gxs).__name__}')
        if len(gxs) == n_in and len(target_input_indexes) != n_in:
            gxs = tuple(gxs[i] for i in target_input_indexes)
        if len(gxs) != len(target_input_indexes):
            raise ValueError(f'{self.label}.backward returned {len(gxs)} gradients for '
                             f'{len(target_input_indexes)} target inputs')
        out = []
        for gx, g_old in zip(gxs, grad_inputs):
            if gx is not None and not isinstance(gx, Variable):
                gx = Variable(gx, requires_grad=False)
            if gx is None:
                out.append(g_old)
            elif g_old is None:
                out.append(gx)
            else:
                out.append(g_old + gx)
        return tuple(out)

    # ---- retention ----
    def retain_inputs(self, indexes):
        self._input_indexes_to_retain = tuple(indexes)

    def retain_outputs(self, indexes):
        self._output_indexes_to_retain = tuple(indexes)

    def get_retained_inputs(self):
        idx = self._input_indexes_to_retain
        if idx is None:
            idx = range(len(self.inputs))
        return tuple(self.inputs[i] for i in idx)

    def get_retained_outputs(self):
        idx = self._output_indexes_to_retain or ()
        return tuple(self.output_variable(i) for i in idx)

    def output_variable(self, i):
        """The i-th output Variable: the live one, or one rebuilt from retained data."""
        y = self.outputs[i]() if self.outputs is not None else None
        if y is not None:
            return y
        data = (self._retained_output_data or {}).get(i)
        if data is None:
            raise RuntimeError(f'{self.label}: output {i} was neither retained nor kept alive')
        y = Variable(data)
        y.creator = self
        y.rank = self.rank + 1
        y._output_index = i
        self.outputs = self.outputs[:i] + (weakref.ref(y),) + self.outputs[i + 1:]
        self._keep = getattr(self, '_keep', []) + [y]  # the rebuilt output lives with its node
        return y

    def unchain(self):
        for i in range(len(self.outputs or ())):
            y = self.outputs[i]()
            if y is not None:
                y.unchain()
        self.inputs = None

    @property
    def in_avals(self):
        avals = self.__dict__.get('_in_avals')
        if avals is None:       # vjp rules read it several times
            avals = self._in_avals = tuple(registry.Aval(x.shape, x.dtype)
                                           for x in self.inputs)
        return avals


class OpNode(FunctionNode):
    """A FunctionNode that applies one registry op; its backward is the op's vjp rule."""

    lifted = ()  # input positions that were Python scalars (constants for the tracer)

    def __init__(self, op, attrs):
        self.op = op
        self.attrs = attrs

    @property
    def label(self):
        return self.op.name

    def _check_types(self, in_data):
        # the shape rule is a pure function of the avals and attrs: a combination that
        # passed once passes again (about 6 us of Python per op call saved)
        op = self.op
        try:
            key = (tuple([(x.shape, x.dtype) for x in in_data]), tuple(self.attrs.values()))
            if key in op.checked:
                return
        except TypeError:               # an unhashable attr: check every time
            key = None
        op.infer(*[registry.Aval(x.shape, x.dtype) for x in in_data], **self.attrs)
        if key is not None:
            if len(op.checked) >= 4096:
                op.checked.clear()
            op.checked.add(key)

    def forward(self, in_data):
        xp = backend.get_array_module(*in_data)
        op = self.op
        out = op.impl(xp, *in_data, **self.attrs)
        if op.n_outputs == 1:
            out = (out,)
        if op.retain_outputs:
            self._output_indexes_to_retain = op.retain_outputs
        return tuple(out)

    def backward(self, target_input_indexes, grad_outputs):
        self._targets = target_input_indexes
        return self.op.vjp(self, *grad_outputs)

    # The vjp context, the one every rule sees (eager backward() and the compiler's
    # autodiff alike): ctx.inputs, ctx.out_vars, ctx.in_avals, ctx.attrs, ctx.needs_grad(i)
    @classmethod
    def vjp_context(cls, op, attrs, inputs, outputs, needs):
        """An OpNode standing for a graph node whose inputs and outputs are the Variables
        `inputs` and `outputs`, as a vjp rule sees it (the compiler's autodiff)."""
        node = cls(op, attrs)
        node.inputs = tuple(inputs)
        node.outputs = tuple(weakref.ref(y) for y in outputs)
        node._keep = list(outputs)
        node._targets = needs
        return node

    @property
    def out_vars(self):
        return tuple(self.output_variable(i) for i in range(len(self.outputs)))

    def needs_grad(self, i):
        return i in self._targets

    def __repr__(self):
        return f'<OpNode {self.op.name} {self.attrs}>'


def _scalar_dtype(args):
    for a in args:
        d = a._data if isinstance(a, Variable) else a
        if _is_array(d) and d.dtype.kind == 'f':
            return d.dtype, backend.get_array_module(d)
    for a in args:
        d = a._data if isinstance(a, Variable) else a
        if _is_array(d):
            return d.dtype, backend.get_array_module(d)
    return numpy.dtype(numpy.float32), numpy


def _lift_scalars(op, args):
    """Python and NumPy scalars become 0-d arrays of the arrays' dtype (float32 stays float32).

    Returns the new arguments and the positions that were lifted (constants to a tracer).
    """
    dtype = xp = None
    out = []
    lifted = ()
    for a in args:
        if isinstance(a, Variable) or _is_array(a):
            out.append(a)
            continue
        if isinstance(a, (bool, int, float, numpy.generic)):
            if dtype is None:
                dtype, xp = _scalar_dtype(args)
            if dtype.kind in 'biu' and numpy.asarray(a).astype(dtype) != a:
                raise registry.OpTypeError(
                    op.name, f'the scalar {a!r} does not fit the {dtype.name} of the other '
                             'input(s); cast the array to a float dtype first (.astype)')
            lifted += (len(out),)
            out.append(xp.asarray(a, dtype=dtype))
            continue
        call = _calls.call
        where = f'{call[0]}: an input' if call is not None else f'{op.name}: argument {len(out)}'
        inner = f' (the primitive op {op.name} got it as its argument {len(out)})' \
            if call is not None else ''
        raise TypeError(f'{where} is a {type(a).__name__}, not a Variable, an array or a '
                        f'Python scalar; convert it with numpy.asarray first{inner}')
    return out, lifted


def apply_op(op, args, attrs):
    """Applies a registry op to Variables/arrays/scalars; returns a Variable or a tuple."""
    args, lifted = _lift_scalars(op, args)
    node = OpNode(op, op.bind_attrs(attrs))
    node.lifted = lifted
    outs = node.apply(args)
    return outs[0] if op.n_outputs == 1 else outs


registry.set_binder(apply_op)

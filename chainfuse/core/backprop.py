"""Reverse-mode traversal: `Variable.backward` and `chainfuse.grad`.

Nodes are visited from the highest rank down with a heap (no recursion, so deep
graphs do not hit Python's recursion limit).  A node is visited once all its
consumers have been, so the gradient of each of its outputs is complete by then;
contributions from several consumers are summed.
"""
import heapq
import warnings

from chainfuse import function_hook
from chainfuse.config import using_config
from chainfuse.core.tracing import local as _tracing
from chainfuse.core.variable import Variable

_hooks_on = False       # a function hook is registered somewhere (function_hook.on_change)


def _set_hooks_on(on):
    global _hooks_on
    _hooks_on = on


function_hook.on_change(_set_hooks_on)


def _initial_grad(y):
    if y.grad_var is not None:
        return y.grad_var
    if y.size != 1:
        raise ValueError(
            f'backward() of a Variable with shape {y.shape} (size {y.size}) needs an initial '
            'gradient: set y.grad (for example to an array of ones) or reduce the output to a '
            'scalar (F.sum) first')
    return Variable(y.xp.ones_like(y._data), requires_grad=False)


class _Grads:
    """Gradients being accumulated, keyed by Variable identity (the Variable is kept alive)."""

    def __init__(self):
        self._d = {}

    def add(self, var, g):
        key = id(var)
        entry = self._d.get(key)
        if entry is None:
            self._d[key] = [var, g]
        else:
            entry[1] = g if entry[1] is None else entry[1] + g

    def pop(self, var):
        entry = self._d.pop(id(var), None)
        return None if entry is None else entry[1]

    def get(self, var):
        entry = self._d.get(id(var))
        return None if entry is None else entry[1]


def _warn_partial(node):
    from chainfuse.tracer.errors import user_location, warn_at
    warn_at(f'backward(retain_grad=True) through {node.label}: the gradients kept on its '
            f'results {", ".join(node.partial_output_grads())} lack what flows into them '
            'inside the compiled call (its backward computes only the inputs\' gradients); '
            'run the model eagerly (chainfuse.eager() or without chainfuse.compile) to '
            'inspect intermediate gradients', user_location(3))


def _run(outputs, grad_outputs, retain_grad, double, want=None, loss_scale=None):
    """Walks the graph back from `outputs`.  Leaf grads accumulate into `.grad` unless
    `want` (a list of Variables) is given, in which case their grads are returned.
    While a call is traced, the tracer derives the gradients instead (one walk for
    every compiled backward: `chainfuse.tracer.reverse`)."""
    tracer = _tracing.tracer
    if tracer is not None:
        done, result = tracer.backward(outputs, grad_outputs, retain_grad, double, want,
                                       loss_scale)
        if done:
            return result
    grads = _Grads()
    heap = []
    seen = set()
    counter = 0
    want_ids = None if want is None else {id(v) for v in want}
    found = {}

    def push(node):
        nonlocal counter
        if id(node) not in seen:
            seen.add(id(node))
            heapq.heappush(heap, (-node.rank, counter, node))
            counter += 1

    for y, gy in zip(outputs, grad_outputs):
        if loss_scale is not None:
            gy = gy * loss_scale
        if y.creator is None:
            _leaf(y, gy, want_ids, found, grads)
            continue
        grads.add(y, gy)
        push(y.creator)

    with using_config('enable_backprop', double):
        while heap:
            node = heapq.heappop(heap)[2]
            gys = []
            for i, ref in enumerate(node.outputs):
                y = ref()
                g = None if y is None else grads.pop(y)
                if y is not None and g is not None:
                    if want_ids is not None and id(y) in want_ids:
                        found[id(y)] = g
                    elif retain_grad:
                        y.grad_var = g
                gys.append(g)
            if retain_grad and node.partial_output_grads():
                _warn_partial(node)
            if all(g is None for g in gys):
                continue
            targets = tuple(i for i, x in enumerate(node.inputs) if x.requires_grad)
            if not targets:
                continue
            if _hooks_on:
                gxs = _backward_hooked(node, targets, tuple(gys))
            else:
                gxs = node.backward_accumulate(targets, tuple(gys),
                                               (None,) * len(targets))
            for i, gx in zip(targets, gxs):
                if gx is None:
                    continue
                x = node.inputs[i]
                _check_grad(node, i, x, gx)
                if x.creator is None:
                    _leaf(x, gx, want_ids, found, grads)
                else:
                    grads.add(x, gx)
                    push(x.creator)
    if want is not None:
        for v in want:
            if id(v) not in found and v.creator is None:
                g = grads.pop(v)
                if g is not None:
                    found[id(v)] = g
        return [found.get(id(v)) for v in want]
    return None


def _backward_hooked(node, targets, gys):
    """`node`'s backward with the function hooks' backward callbacks around it."""
    hooks = function_hook.hooks_for(node)
    if hooks:
        in_data = tuple(x._data for x in node.inputs)
        out_grad = tuple(None if g is None else g._data for g in gys)
        for hook in hooks:
            hook.backward_preprocess(node, in_data, out_grad)
    gxs = node.backward_accumulate(targets, gys, (None,) * len(targets))
    for hook in hooks:
        hook.backward_postprocess(node, in_data, out_grad)
    return gxs


def _leaf(x, gx, want_ids, found, grads):
    if want_ids is not None:
        if id(x) in want_ids:
            grads.add(x, gx)
        return
    if not x.requires_grad:
        return
    x.grad_var = gx if x.grad_var is None else x.grad_var + gx


def _check_grad(node, i, x, gx):
    if gx.shape != x.shape or gx.dtype != x.dtype:
        raise ValueError(
            f'{node.label}: backward produced a gradient of shape {gx.shape} and dtype '
            f'{gx.dtype} for input {i}, whose shape is {x.shape} and dtype {x.dtype}')


def backward(y, retain_grad=False, enable_double_backprop=False, loss_scale=None):
    if y.creator is None:
        return
    gy = _initial_grad(y)
    if y.grad_var is None:
        y.grad_var = gy
    _run([y], [gy], retain_grad, enable_double_backprop, loss_scale=loss_scale)


def backward_all(outputs, grad_outputs=None, enable_double_backprop=False):
    """Backprop from several outputs at once (``chainer.backward``).

    Each output's initial gradient is its entry of `grad_outputs` (Variables or
    arrays), or, without `grad_outputs`, its ``grad_var``; an output with neither is
    skipped with a RuntimeWarning (no default gradient is made, as in Chainer).
    The outputs' ``grad`` is cleared; the leaves' gradients accumulate into ``.grad``.
    """
    if not isinstance(outputs, (tuple, list)):
        raise TypeError(f'backward: outputs must be a tuple or a list of Variables, got '
                        f'{type(outputs).__name__}')
    for v in outputs:
        if not isinstance(v, Variable):
            raise TypeError(f'backward: each output must be a Variable, got {type(v).__name__}')
    if grad_outputs is None:
        grad_outputs = []
        for y in outputs:
            if y.grad_var is None:
                warnings.warn('backward: an output has no grad (or is given twice); it is '
                              'skipped: chainer.backward sets no default gradient',
                              RuntimeWarning, stacklevel=2)
            grad_outputs.append(y.grad_var)
            y.grad_var = None
    elif not isinstance(grad_outputs, (tuple, list)):
        raise TypeError(f'backward: grad_outputs must be None, a tuple or a list, got '
                        f'{type(grad_outputs).__name__}')
    elif len(grad_outputs) != len(outputs):
        raise ValueError(f'backward: {len(outputs)} outputs but {len(grad_outputs)} '
                         'grad_outputs; give one gradient per output')
    pairs = [(y, gy if gy is None or isinstance(gy, Variable)
              else Variable(gy, requires_grad=False))
             for y, gy in zip(outputs, grad_outputs)]
    pairs = [(y, gy) for y, gy in pairs if gy is not None]
    for y, gy in pairs:
        if gy.shape != y.shape:
            raise ValueError(f'backward: the gradient of an output of shape {y.shape} has '
                             f'shape {gy.shape}')
    _run([y for y, _ in pairs], [gy for _, gy in pairs], False, enable_double_backprop)


def grad(outputs, inputs, grad_outputs=None, grad_inputs=None, set_grad=False,
         retain_grad=False, enable_double_backprop=False, loss_scale=None):
    """Gradients of `outputs` w.r.t. `inputs`, returned as a list (None where unreachable).

    Unlike `backward`, no `.grad` attribute is touched (unless `set_grad=True`).
    `grad_outputs` defaults to ones for size-1 outputs.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    for v in outputs + inputs:
        if not isinstance(v, Variable):
            raise TypeError(f'grad: outputs and inputs must be Variables, got {type(v).__name__}')
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    gys = []
    for y, gy in zip(outputs, grad_outputs):
        if gy is None:
            gy = _initial_grad(Variable(y._data)) if y.grad_var is None else y.grad_var
        elif not isinstance(gy, Variable):
            gy = Variable(gy, requires_grad=False)
        gys.append(gy)
    result = _run(outputs, gys, retain_grad, enable_double_backprop, want=inputs,
                  loss_scale=loss_scale)
    if grad_inputs is not None:
        result = [g if gi is None else (gi if g is None else g + gi)
                  for g, gi in zip(result, grad_inputs)]
    if set_grad:
        for x, g in zip(inputs, result):
            x.grad_var = g
    return result

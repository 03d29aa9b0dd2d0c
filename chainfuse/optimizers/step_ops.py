"""The op namespaces that update rules compute with.

Every update rule (and every optimizer hook that changes gradients) is one pure
function written once::

    def step(ops, hp, param, grad, *state, **static) -> (new_param, *new_state)

``param``, ``grad`` and the state are arrays or Variables, ``hp`` is a dict of
scalar hyperparameters, ``static`` are flags that change the computation's
structure (Adam's ``amsgrad``).  The body uses Python operators (``+ - * /``) and
``ops.<name>`` for the other registry ops (``ops.sqrt``, ``ops.maximum``...).
Which namespace ``ops`` is decides how the same body runs:

- `TRACED`: the registry ops themselves.  Inputs are Variables, every operation is
  a `FunctionNode.apply`, so a tracer that records op applications sees the whole
  update (a compiled training step can fuse it) and the results are Variables.
- `eager_ops(xp)`: the same registry entries' ``impl(xp, ...)`` called directly on
  arrays, with Python operators on the arrays themselves (which is exactly what
  the arithmetic ops' impls do).  Same numbers, none of the graph bookkeeping:
  this is what `UpdateRule.update` runs when nothing is being traced, because an
  op application costs ~20 us of Python and an optimizer step applies about ten
  per parameter.

Hyperparameters enter as Python floats eagerly (NumPy and CuPy keep a float32
array float32 when combined with a Python float) and as 0-d arrays of the
parameter's dtype when traced (`hyperparam_arrays`), so a compiled step takes the
learning rate as an input and changing it never requires retracing.  Traced with
its scalars as inputs, Adam's step (`chainfuse.optimizers.adam.adam_step`) reads::

    m1 = add(m, mul(one_minus_beta1, sub(grad, m)))             # new m
    v1 = add(v, mul(one_minus_beta2, sub(mul(grad, grad), v)))  # new v
    st = div(alpha_t, add(sqrt(v1), eps))
    p1 = sub(param, mul(eta, add(mul(st, m1), mul(weight_decay_rate, param))))

(one node per call, printed nested here): fifteen elementwise nodes that the fuser
turns into one kernel.
"""
from chainfuse import backend
from chainfuse.config import no_backprop_mode
from chainfuse.core.tracing import current as _current_tracer
from chainfuse.core import state as state_module
from chainfuse.core.variable import Variable
from chainfuse.ops import registry


class _Traced:
    """``ops.<name>`` is the registry op: applied to Variables, recorded by tracers."""

    def __getattr__(self, name):
        op = registry.get_op(name)
        setattr(self, name, op)
        return op

    def __repr__(self):
        return '<step ops: registry ops on Variables>'


class EagerOps:
    """``ops.<name>(*arrays, **attrs)`` is ``registry.get_op(name).impl(xp, ...)``."""

    def __init__(self, xp):
        self.xp = xp

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        op = registry.get_op(name)
        xp = self.xp
        impl = op.impl
        if op.attrs:
            def fn(*arrays, **attrs):
                return impl(xp, *arrays, **op.bind_attrs(attrs))
        else:
            def fn(*arrays):
                return impl(xp, *arrays)
        fn.__name__ = name
        setattr(self, name, fn)  # cached: later lookups are plain attribute reads
        return fn

    def __repr__(self):
        return f'<step ops: registry impls on {self.xp.__name__} arrays>'


TRACED = _Traced()
_eager = {}


def eager_ops(xp):
    """The eager namespace for array module `xp` (cached)."""
    ops = _eager.get(xp)
    if ops is None:
        ops = _eager[xp] = EagerOps(xp)
    return ops


def tracing():
    """True while a tracer records op applications (then updates must run as ops)."""
    return _current_tracer() is not None


def hyperparam_arrays(hp, dtype, xp, source=None):
    """``hp`` (name -> float) as 0-d arrays of `dtype`: the form a traced step takes.

    `source` is the update rule whose ``step_hyperparams()`` produced them: a recorder
    that knows how to refetch them (a compiled training step) makes them inputs, so
    a new learning rate or step count needs no retrace.
    """
    arrays = {k: xp.asarray(v, dtype=dtype) for k, v in hp.items()}
    tracer = _current_tracer()
    if tracer is not None:
        tracer.on_hyper(arrays, source)
    return arrays


def rewrite_grad(fn, hp, param):
    """Replaces ``param.grad`` in place by ``fn(ops, hp, param, grad)`` (gradient hooks).

    Eagerly the new gradient is copied into the existing grad array; while tracing,
    `fn` runs as registry ops and the write goes through `update_state`.
    """
    grad_var = param._grad_var
    data = param._data
    if grad_var is None or data is None:
        return
    grad = grad_var._data
    xp = backend.get_array_module(grad)
    if not tracing():
        xp.copyto(grad, fn(eager_ops(xp), hp, data, grad))
        return
    with no_backprop_mode():
        hp = {k: Variable(v, requires_grad=False)
              for k, v in hyperparam_arrays(hp, grad.dtype, xp).items()}
        new = fn(TRACED, hp, param, grad_var)
    state_module.update_state(grad, new)

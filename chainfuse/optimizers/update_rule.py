"""UpdateRule: how one parameter is updated, as a pure step function plus state.

An optimizer gives every parameter its own rule (``param.update_rule``), with its
own hyperparameters (falling back to the optimizer's), an ``enabled`` flag, a step
counter ``t``, hooks, and a state dict of arrays (Adam's ``m`` and ``v``) created
lazily at the first update with the parameter's shape, dtype and device.

A rule is described by four things, so a compiler can run it without calling
`update`:

- ``step(ops, hp, param, grad, *state, **static) -> (new_param, *new_state)``: the
  pure update (see `chainfuse.optimizers.step_ops` for ``ops``); it writes nothing.
- ``state_keys()``: the names of the state arrays, in the order ``step`` takes them.
- ``step_hyperparams()``: the scalars ``step`` needs for the current ``t``, as a
  dict of Python floats (Adam's bias-corrected ``alpha_t`` is computed here, on the
  host, so the step function never sees ``t``).
- ``static_args()``: flags that change the computation's structure (a compiled
  step keys its cache on them; changing one means a new trace).

`pure_update(param, grad, state, hp)` puts them together and returns the new
values.  `update(param)` is the eager path: it runs the step and copies the results
into the existing parameter and state arrays (``xp.copyto``), so every reference to
them stays valid.  While a tracer records, the step runs as registry ops on
Variables and the results are written with `chainfuse.core.state.update_state`,
which a tracer sees as state writes (and refuses, with a graph break, for arrays it
does not know how to feed back).

A compiled training step uses a rule like this: trace
``rule.pure_update(P, G, S, hp=H)`` with the parameter, gradient, state arrays and
the 0-d hyperparameters (`step_ops.hyperparam_arrays(rule.step_hyperparams(),
rule.hyperparam_dtype(dtype), xp)`) as graph inputs, keyed by ``static_args()``;
at every run increment ``rule.t`` (and the optimizer's ``t``) on the host, feed the
fresh hyperparameters, and copy the outputs into ``param.array`` and
``rule.state[k]``.  Rules with ``enabled = False`` or without a grad are skipped.

A rule written Chainer's way (``update_core_cpu``/``update_core_gpu`` and
``init_state``, no ``step``) still works eagerly.
"""
import collections
import copy

import numpy

from chainfuse import backend
from chainfuse.config import no_backprop_mode
from chainfuse.core import state as state_module
from chainfuse.core.variable import Variable
from chainfuse.optimizers import hyperparameter as hyperparameter_module
from chainfuse.optimizers import step_ops
from chainfuse.optimizers.hyperparameter import Hyperparameter


def _same_place(a, b):
    if type(a) is not type(b):
        return False
    return isinstance(a, numpy.ndarray) or a.device.id == b.device.id


def check_eps(name, eps, dtype):
    """Raises when `eps` rounds to zero in `dtype` (float16 with a tiny eps)."""
    if eps != 0 and dtype.type(eps) == 0:
        raise ValueError(f'eps of {name} optimizer is too small for {dtype.name} ({eps}); '
                         'use a larger eps or a wider dtype')


def add_hook_to(pre, post, hook, name, timing):
    """Registers `hook` into the ``pre``/``post`` OrderedDicts (shared with Optimizer)."""
    if not callable(hook):
        raise TypeError(f'hook {hook!r} is not callable')
    if timing not in ('pre', 'post', 'auto'):
        raise ValueError(f"timing must be one of 'pre', 'post', 'auto', got {timing!r}")
    if timing == 'auto':
        timing = getattr(hook, 'timing', 'pre')
        if timing not in ('pre', 'post'):
            raise ValueError(f'hook {hook!r} has timing {timing!r}; expected pre or post')
    if name is None:
        name = getattr(hook, 'name', None) or getattr(hook, '__name__', None)
        if name is None:
            raise ValueError(f'hook {hook!r} has no name attribute; pass name=')
    if name in pre or name in post:
        raise KeyError(f'hook "{name}" already exists')
    (pre if timing == 'pre' else post)[name] = hook


def remove_hook_from(pre, post, name):
    if name in pre:
        del pre[name]
    elif name in post:
        del post[name]
    else:
        raise KeyError(f'no hook named "{name}"')


class UpdateRule:
    """Base class of update rules (see the module docstring for the interface).

    Args:
        parent_hyperparam (Hyperparameter): where missing hyperparameters are read.

    Attributes:
        enabled (bool): when False, `update` leaves the parameter alone.
        hyperparam (Hyperparameter): this parameter's hyperparameters.
        t (int): number of updates made by this rule.
    """

    is_elementwise = True
    state_names = ()
    step = None  # the pure step function; subclasses set ``step = staticmethod(fn)``
    _cache_version = -1
    _checked = None

    def __init__(self, parent_hyperparam=None):
        self._pre_update_hooks = collections.OrderedDict()
        self._post_update_hooks = collections.OrderedDict()
        self._state = None
        self.enabled = True
        self.hyperparam = Hyperparameter(parent_hyperparam)
        self.t = 0

    @property
    def state(self):
        """The state dict (None before the first update)."""
        return self._state

    # ---- the pure description ----
    def resolved_hyperparam(self):
        """This rule's hyperparameters, parents' included, as a plain dict.

        Cached until any hyperparameter anywhere is assigned (reading through the
        `Hyperparameter` chain costs a Python call per entry, per parameter, per step).
        """
        if self._cache_version != hyperparameter_module.version():
            self._hp_cache = self.hyperparam.get_dict()
            self._cache_version = hyperparameter_module.version()
            self._keys_cache = tuple(self.state_keys())
            self._static_cache = self.static_args()
            self._static_key = tuple(sorted(self._static_cache.items()))
        return self._hp_cache

    def _eager_config(self):
        """(state keys, static args) for the current hyperparameters (cached)."""
        if self._cache_version != hyperparameter_module.version():
            self.resolved_hyperparam()
        return self._keys_cache, self._static_cache

    def _config_key(self):
        """(state keys, static args as sorted pairs): what a compiled step's cache key
        holds of this rule (cached like `_eager_config`)."""
        if self._cache_version != hyperparameter_module.version():
            self.resolved_hyperparam()
        return self._keys_cache, self._static_key

    def state_keys(self):
        """Names of the state arrays, in the order `step` takes them."""
        return self.state_names

    def step_hyperparams(self):
        """The scalar inputs of `step` for the current ``t`` (name -> Python float)."""
        return {}

    def static_args(self):
        """Keyword flags of `step` that change its structure (hashable values)."""
        return {}

    def hyperparam_dtype(self, param_dtype):
        """The dtype hyperparameters take in a traced step (the compute dtype)."""
        return param_dtype

    def check_dtype(self, dtype):
        """Raises when a hyperparameter cannot be represented in `dtype` (eps underflow)."""

    def pure_update(self, param, grad, state, hp=None, ops=None):
        """Computes ``(new_param, new_state_dict)`` without writing anything.

        `param` and `grad` are arrays (then `ops` defaults to the eager namespace) or
        Variables (then the registry ops, so the computation is recorded when traced);
        `state` maps `state_keys()` to arrays or Variables; `hp` defaults to
        `step_hyperparams()` and may hold 0-d arrays/Variables instead of floats.
        """
        if self.step is None:
            raise NotImplementedError(f'{type(self).__name__} has no pure step function')
        names = self.state_keys()
        if hp is None:
            hp = self.step_hyperparams()
        if ops is None:
            ops = step_ops.TRACED if isinstance(param, Variable) else \
                step_ops.eager_ops(backend.get_array_module(param))
        outs = self.step(ops, hp, param, grad, *[state[n] for n in names],
                         **self.static_args())
        return outs[0], dict(zip(names, outs[1:]))

    # ---- hooks ----
    def add_hook(self, hook, name=None, timing='auto'):
        """Adds ``hook(rule, param)``, called before (or, timing='post', after) updates."""
        add_hook_to(self._pre_update_hooks, self._post_update_hooks, hook, name, timing)

    def remove_hook(self, name):
        remove_hook_from(self._pre_update_hooks, self._post_update_hooks, name)

    # ---- the eager update ----
    def update(self, param):
        """Calls the hooks and updates `param` (a Parameter with ``grad``) in place."""
        if not self.enabled:
            return
        self.t += 1
        if param._data is not None:
            self._prepare(param)
        for hook in self._pre_update_hooks.values():
            hook(self, param)
        self.update_core(param)
        for hook in self._post_update_hooks.values():
            hook(self, param)

    def update_core(self, param):
        """Runs `step` and writes the results into the parameter and state arrays."""
        if self.step is None:
            return self._update_core_by_device(param)
        grad_var = param._grad_var
        data = param._data
        if grad_var is None or data is None:
            return
        if step_ops.tracing():
            return self._update_traced(param)
        names, static = self._eager_config()
        if self._checked != (self._cache_version, data.dtype):
            self.check_dtype(data.dtype)
            self._checked = (self._cache_version, data.dtype)
        state = self._state
        xp = numpy if isinstance(data, numpy.ndarray) else backend.get_array_module(data)
        outs = self.step(step_ops.eager_ops(xp), self.step_hyperparams(), data,
                         grad_var._data, *[state[n] for n in names], **static)
        xp.copyto(data, outs[0])
        for name, new in zip(names, outs[1:]):
            xp.copyto(state[name], new)

    def _update_traced(self, param):
        data = param._data
        self.check_dtype(data.dtype)
        xp = backend.get_array_module(data)
        names = self.state_keys()
        hp = step_ops.hyperparam_arrays(self.step_hyperparams(),
                                        self.hyperparam_dtype(data.dtype), xp, source=self)
        with no_backprop_mode():
            hp = {k: Variable(v, requires_grad=False) for k, v in hp.items()}
            state = {n: Variable(self._state[n], requires_grad=False) for n in names}
            new_param, new_state = self.pure_update(param, param._grad_var, state, hp,
                                                    step_ops.TRACED)
        state_module.update_state(data, new_param)
        for name in names:
            state_module.update_state(self._state[name], new_state[name])

    def _update_core_by_device(self, param):
        if backend.get_array_module(param._data) is numpy:
            self.update_core_cpu(param)
        else:
            self.update_core_gpu(param)

    def update_core_cpu(self, param):
        raise NotImplementedError(f'{type(self).__name__} defines neither step nor '
                                  'update_core_cpu')

    def update_core_gpu(self, param):
        raise NotImplementedError(f'{type(self).__name__} defines neither step nor '
                                  'update_core_gpu')

    # ---- state ----
    def init_state(self, param):
        """Creates the state arrays: zeros like the parameter, one per `state_keys()`."""
        data = param._data if isinstance(param, Variable) else param
        xp = backend.get_array_module(data)
        for name in self.state_keys():
            self._state[name] = xp.zeros_like(data)

    def ensure_state(self, param):
        """Creates (or moves) the state arrays for `param` now, as the first update would."""
        if param._data is not None:
            self._prepare(param)

    def _prepare(self, param):
        state = self._state
        if state is None:
            self._state = {}
            self.init_state(param)
            return
        data = param._data
        keys = self._eager_config()[0]
        if len(state) < len(keys):  # a flag that adds state (amsgrad) was set later
            xp = backend.get_array_module(data)
            for name in keys:
                if name not in state:
                    state[name] = xp.zeros_like(data)
        for name, value in state.items():  # loaded from a file, or the model moved
            if type(value) is type(data) and type(data) is numpy.ndarray:
                continue
            if backend.is_array(value) and not _same_place(value, data):
                state[name] = backend.get_device_from_array(data).send(value)

    def _keys_to_load(self):
        if type(self).init_state is UpdateRule.init_state:
            return list(self.state_keys())
        # a Chainer-style rule: learn its state names by initializing a throwaway copy
        probe = copy.copy(self)
        probe._state = {}
        arr = numpy.empty(1, dtype=numpy.float32)
        probe.init_state(Variable(arr, grad=arr))
        return list(probe._state)

    def serialize(self, serializer):
        """Saves or loads ``t`` and the state arrays (not the parameter itself)."""
        from chainfuse.serializer import Deserializer
        self.t = serializer('t', self.t)
        if self._state is not None:
            for key in list(self._state):
                self._state[key] = serializer(key, self._state[key])
            return
        if not isinstance(serializer, Deserializer):
            return
        dry = serializer.dry_run   # a dry run reads the file's arrays but keeps no state
        read = serializer.stored if dry else serializer
        state = {}
        for key in self._keys_to_load():
            try:
                value = read(key, None)
            except KeyError:
                if self.enabled:
                    raise
                value = None
            if value is None:  # not in the file: initialized at the first update
                return
            state[key] = value
        if not dry:
            self._state = state

"""Optimizer and GradientMethod: the objects ``optimizers.SGD()`` and friends are.

``opt.setup(model)`` gives every parameter of the model an update rule
(``param.update_rule``, created by `GradientMethod.create_update_rule`).  Then
``opt.update()`` runs one step in this order:

1. with a loss function, ``update(lossfun, *args)``: compute the loss, clear the
   grads (``cleargrads``), ``loss.backward()``;
2. give parameters whose grad is None a zero grad (as Chainer does, so hooks and
   rules see an array);
3. call the ``'pre'`` hooks (WeightDecay, GradientClipping, ...) in registration
   order: a hook with ``call_for_each_param = True`` is called as
   ``hook(rule, param)`` for every parameter, any other as ``hook(optimizer)``;
4. ``t += 1`` and ``rule.update(param)`` for every parameter;
5. call the ``'post'`` hooks.

``serialize`` saves ``t``, ``epoch`` and each rule's state under the parameter's
path (``predictor/l1/W/m``), the layout Chainer's files have.
"""
import collections

from chainfuse.optimizers import step_ops
from chainfuse.optimizers.hyperparameter import Hyperparameter
from chainfuse.optimizers.update_rule import add_hook_to, remove_hook_from


def _check_link(link):
    from chainfuse.links.link import Link
    if not isinstance(link, Link):
        raise TypeError(f'optimization target must be a Link (chainfuse.Link, Chain, '
                        f'ChainList), got {type(link).__name__}')


class Optimizer:
    """Base class of all optimizers.

    Attributes:
        target: the Link given to `setup`.
        t (int): number of update steps made.
        epoch (int): incremented by `new_epoch`.
        use_auto_new_epoch (bool): set by an updater that calls ``new_epoch(auto=True)``.
    """

    target = None
    t = 0
    epoch = 0
    _pre_update_hooks = None
    _post_update_hooks = None
    _loss_scale = None
    use_auto_new_epoch = False

    def setup(self, link):
        """Sets the target link and resets the counters and hooks; returns self."""
        _check_link(link)
        self.target = link
        self.t = 0
        self.epoch = 0
        self._pre_update_hooks = collections.OrderedDict()
        self._post_update_hooks = collections.OrderedDict()
        return self

    def update(self, lossfun=None, *args, **kwds):
        raise NotImplementedError

    def new_epoch(self, auto=False):
        """Increments `epoch` (an updater passes ``auto=True``; see use_auto_new_epoch)."""
        if auto and not self.use_auto_new_epoch:
            raise RuntimeError('invalid new_epoch call with auto=True: the updater must '
                               'set optimizer.use_auto_new_epoch = True')
        if not auto and self.use_auto_new_epoch:
            raise RuntimeError('duplicated new_epoch: the updater already calls it; pass '
                               'auto_new_epoch=False to the updater or stop calling it')
        self.epoch += 1

    # ---- hooks ----
    def _check_setup(self, what):
        if self._pre_update_hooks is None:
            raise RuntimeError(f'call setup(link) before {what}')

    def add_hook(self, hook, name=None, timing='auto'):
        """Registers a hook (``hook.name`` names it; ``hook.timing`` or 'pre' by default)."""
        self._check_setup('add_hook')
        add_hook_to(self._pre_update_hooks, self._post_update_hooks, hook, name, timing)

    def remove_hook(self, name):
        self._check_setup('remove_hook')
        remove_hook_from(self._pre_update_hooks, self._post_update_hooks, name)

    def call_hooks(self, timing='pre'):
        """Calls the hooks of one timing in registration order."""
        if timing not in ('pre', 'post'):
            raise ValueError(f"timing must be 'pre' or 'post', got {timing!r}")
        hooks = self._pre_update_hooks if timing == 'pre' else self._post_update_hooks
        for hook in hooks.values():
            self._call_hook(hook)

    def _call_hook(self, hook):
        if getattr(hook, 'call_for_each_param', False):
            for param in self.target.params():
                hook(param.update_rule, param)
        else:
            hook(self)

    # ---- loss scaling ----
    def set_loss_scale(self, loss_scale):
        """Static loss scaling: backward with ``loss_scale``, grads divided before hooks."""
        self.loss_scaling(scale=loss_scale)

    def loss_scaling(self, interval=1000, scale=None):
        if scale is None:
            raise NotImplementedError('dynamic loss scaling is not supported; pass a fixed '
                                      'scale (set_loss_scale)')
        if scale <= 0:
            raise ValueError(f'loss_scale must be a positive number, got {scale}')
        self._loss_scale = scale

    # ---- serialization ----
    def serialize(self, serializer):
        """Saves or loads ``t``, ``epoch`` and every update rule's state (not the params)."""
        self.t = serializer('t', self.t)
        self.epoch = serializer('epoch', self.epoch)
        for name, param in self.target.namedparams():
            rule = getattr(param, 'update_rule', None)
            if rule is not None:
                rule.serialize(serializer[name])


class GradientMethod(Optimizer):
    """Base of first-order methods: one update rule per parameter, shared hyperparameters.

    Subclasses set hyperparameters on ``self.hyperparam`` in ``__init__`` and return a
    rule from `create_update_rule`.
    """

    def __init__(self):
        self.hyperparam = Hyperparameter()
        self._use_cleargrads = True

    def setup(self, link):
        super().setup(link)
        for param in link.params():
            param.update_rule = self.create_update_rule()
        return self

    def create_update_rule(self):
        raise NotImplementedError

    def use_cleargrads(self, use=True):
        """update(lossfun) clears grads with cleargrads (default) or zerograds."""
        self._use_cleargrads = use

    def reallocate_cleared_grads(self, params=None):
        """Gives every initialized parameter whose grad is None a zero grad."""
        for param in self.target.params() if params is None else params:
            if param._grad_var is None and param._data is not None:
                param.grad = param.xp.zeros_like(param._data)

    def call_hooks(self, timing='pre'):
        if timing not in ('pre', 'post'):
            raise ValueError(f"timing must be 'pre' or 'post', got {timing!r}")
        hooks = self._pre_update_hooks if timing == 'pre' else self._post_update_hooks
        for hook in hooks.values():
            self._call_hook(hook)
            self.reallocate_cleared_grads()

    def update(self, lossfun=None, *args, **kwds):
        """One step: from a loss function (``update(lossfun, *args)``) or from the grads.

        See the module docstring for the order of work.
        """
        if self.target is None:
            raise RuntimeError(f'{type(self).__name__}.update: call setup(link) first')
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            if self._use_cleargrads:
                self.target.cleargrads()
            else:
                self.target.zerograds()
            loss.backward(loss_scale=self._loss_scale)
            del loss
        params = list(self.target.params())
        if not step_ops.tracing():
            return self._step(params)
        # a tracer that cannot take the update raises part way: leave the counters as
        # they were, so the eager rerun of the call counts this step once
        counters = [(rule, rule.t) for rule in (p.update_rule for p in params) if rule]
        t = self.t
        try:
            self._step(params)
        except BaseException:
            self.t = t
            for rule, rule_t in counters:
                rule.t = rule_t
            raise

    def _step(self, params):
        self.reallocate_cleared_grads(params)
        if self._loss_scale is not None:
            self._unscale_grads()
        self.call_hooks('pre')
        self.t += 1
        for param in params:
            rule = param.update_rule
            if rule is not None:
                rule.update(param)
        self.reallocate_cleared_grads(params)
        self.call_hooks('post')

    def _unscale_grads(self):
        inv = 1.0 / self._loss_scale
        for param in self.target.params(include_uninit=False):
            g = param._grad_var._data
            g *= g.dtype.type(inv)

"""StandardUpdater: one mini-batch, one optimizer step."""
import functools

from chainfuse import backend
from chainfuse.dataset import concat_examples
from chainfuse.training import util
from chainfuse.training.updater import Updater


class StandardUpdater(Updater):
    """The plain update loop: next batch -> converter -> ``optimizer.update(loss_func, *in)``.

    Each `update()` draws a batch from the 'main' iterator, turns it into arrays
    on `device` with `converter` (``concat_examples`` by default), and calls
    ``optimizer.update(loss_func, *arrays)`` (or ``**arrays`` for a dict), where
    `loss_func` defaults to the optimizer's target (an ``L.Classifier`` returns
    the loss).  At the end of each epoch it tells the optimizer
    (``optimizer.new_epoch(auto=True)``).

    Args:
        iterator: iterator, or dict of them with a 'main' entry.
        optimizer: optimizer, or dict of them (as in Chainer, a dict needs a 'main' entry
            only for the default `update_core`; a subclass such as a GAN updater with
            ``{'gen': ..., 'dis': ...}`` overrides it).
        converter: ``converter(batch, device) -> tuple/dict/array`` (see
            `util.call_converter` for what `device` it receives).
        device: device spec (-1, '@numpy', 0, '@cupy:0' ...); the targets of the
            optimizers are sent there and the converter puts each batch there.
        loss_func: callable computing the loss; defaults to the main target.
        loss_scale: multiplies the loss before backward (passed to the optimizer).
        auto_new_epoch: call ``optimizer.new_epoch()`` at each epoch boundary.
        compile: run each step (forward, backward, optimizer hooks and update) as one
            compiled plan (`chainfuse.compile_step`): True, or a dict of compile_step's
            options (``{'backend': 'numpy'}``); ``chainfuse.eager()`` or
            ``CHAINFUSE_DISABLE_COMPILE=1`` turn it back into the eager step.
    """

    def __init__(self, iterator, optimizer, converter=concat_examples, device=None, loss_func=None,
                 loss_scale=None, auto_new_epoch=True, compile=False):
        self._iterators = iterator if isinstance(iterator, dict) else {'main': iterator}
        self._optimizers = optimizer if isinstance(optimizer, dict) else {'main': optimizer}
        if 'main' not in self._iterators:
            raise ValueError("StandardUpdater: the iterator dict needs a 'main' entry, "
                             f'got keys {sorted(self._iterators)}')
        self.converter = converter
        self._device = None if device is None else backend.get_device(device)
        if self._device is not None:
            for opt in self._optimizers.values():
                opt.target.to_device(self._device)
        self.loss_func = loss_func
        self.loss_scale = loss_scale
        if loss_scale is not None:
            for opt in self._optimizers.values():
                opt.set_loss_scale(loss_scale)
        self.auto_new_epoch = auto_new_epoch
        if auto_new_epoch:  # the optimizers then refuse a second, manual new_epoch()
            for opt in self._optimizers.values():
                opt.use_auto_new_epoch = True
        self.iteration = 0
        self.compile = compile
        self._compiled_step = None

    # ---- progress, read from the main iterator ----
    @property
    def device(self):
        """The Device given at construction (None when none was)."""
        return self._device

    @property
    def epoch(self):
        return self._iterators['main'].epoch

    @property
    def epoch_detail(self):
        return self._iterators['main'].epoch_detail

    @property
    def previous_epoch_detail(self):
        return self._iterators['main'].previous_epoch_detail

    @property
    def is_new_epoch(self):
        return self._iterators['main'].is_new_epoch

    # ---- access ----
    def get_optimizer(self, name):
        return self._optimizers[name]

    def get_all_optimizers(self):
        return dict(self._optimizers)

    def get_iterator(self, name):
        return self._iterators[name]

    # ---- the step ----
    def update(self):
        self.update_core()
        self.iteration += 1

    def update_core(self):
        iterator = self._iterators['main']
        optimizer = self._optimizers.get('main')
        if optimizer is None:
            raise ValueError("StandardUpdater.update_core updates the 'main' optimizer, but "
                             f'the optimizers are {sorted(self._optimizers)}: name one '
                             "'main', or override update_core (as a GAN updater does)")
        in_arrays = util.call_converter(self.converter, iterator.next(), self._device)
        loss_func = self.loss_func or optimizer.target
        if self.compile:
            if self._compiled_step is None:
                from chainfuse.runtime import compile_step
                options = self.compile if isinstance(self.compile, dict) else {}
                self._compiled_step = compile_step(optimizer, loss_func, **options)
            util.call_with_arrays(self._compiled_step, in_arrays)
        else:
            util.call_with_arrays(functools.partial(optimizer.update, loss_func), in_arrays)
        if self.auto_new_epoch and iterator.is_new_epoch:
            optimizer.new_epoch(auto=True)

    def finalize(self):
        for it in self._iterators.values():
            finalize = getattr(it, 'finalize', None)
            if finalize is not None:
                finalize()

    def serialize(self, serializer):
        """Iterators, optimizers and their targets, and the iteration count.

        Keys follow Chainer's: ``iterator:main/...``, ``optimizer:main/...``,
        ``model:main/...``, ``iteration``.
        """
        for name, it in self._iterators.items():
            it.serialize(serializer['iterator:' + name])
        for name, opt in self._optimizers.items():
            opt.serialize(serializer['optimizer:' + name])
            opt.target.serialize(serializer['model:' + name])
        self.iteration = int(serializer('iteration', self.iteration))


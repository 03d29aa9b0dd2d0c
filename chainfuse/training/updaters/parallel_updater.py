"""ParallelUpdater: data-parallel training over several devices of one process."""
import copy

from chainfuse import backend
from chainfuse.config import force_backprop_mode
from chainfuse.dataset.convert import concat_examples
from chainfuse.training import util
from chainfuse.training.updaters.standard_updater import StandardUpdater


class ParallelUpdater(StandardUpdater):
    """Synchronous data parallelism, as Chainer's ``ParallelUpdater``.

    Each iteration the main iterator's batch is dealt round-robin into one sub-batch
    per model (``batch[i::n]``), each model computes its loss on its own device and
    backpropagates, the other models' gradients are added into the main model's
    (``addgrads``), the main optimizer updates, and the others copy the new
    parameters (``copyparams``).  The update is the one for the sum of the
    sub-batches' losses.

    Args:
        iterator, optimizer, converter, loss_func, loss_scale, auto_new_epoch: as for
            `StandardUpdater`.
        models (dict): name -> model, ``'main'`` being the optimizer's target; or
        devices (dict): name -> device (must have ``'main'``): the optimizer's target
            is copied to each other device (``copy.deepcopy``) and moved to its own.
            Several names may share a device (on the CPU, ``{'main': -1, 'b': -1}``).
    """

    def __init__(self, iterator, optimizer, converter=concat_examples, models=None,
                 devices=None, loss_func=None, loss_scale=None, auto_new_epoch=True):
        super().__init__(iterator, optimizer, converter=converter, loss_func=loss_func,
                         loss_scale=loss_scale, auto_new_epoch=auto_new_epoch)
        if models is None:
            if devices is None:
                raise ValueError('ParallelUpdater: give models= or devices= (a dict name -> '
                                 "device with a 'main' key)")
            if 'main' not in devices:
                raise KeyError(f"ParallelUpdater: devices must have a 'main' key, got "
                               f'{sorted(devices)}')
            main = self.get_optimizer('main').target
            models = {'main': main}
            for name in devices:
                if name != 'main':
                    models[name] = copy.deepcopy(main).to_device(devices[name])
            main.to_device(devices['main'])
        if devices is None:
            devices = {name: model.device for name, model in models.items()}
        self._devices = {name: backend.get_device(d) for name, d in devices.items()}
        self._models = models

    def connect_trainer(self, trainer):
        main = self.get_optimizer('main').target
        for name, model in self._models.items():
            if model is not main:
                trainer.reporter.add_observer(name, model)

    def update_core(self):
        optimizer = self.get_optimizer('main')
        main = optimizer.target
        others = [m for m in self._models.values() if m is not main]
        iterator = self.get_iterator('main')
        batch = iterator.next()
        n = len(self._models)
        for model in self._models.values():
            model.cleargrads()
        losses = []
        for i, (name, model) in enumerate(self._models.items()):
            in_arrays = util.call_converter(self.converter, batch[i::n], self._devices[name])
            loss_func = self.loss_func or model
            with force_backprop_mode(), backend.using_device(self._devices[name]):
                losses.append(util.call_with_arrays(loss_func, in_arrays))
        for loss in losses:
            loss.backward(loss_scale=self.loss_scale)
        for model in others:
            main.addgrads(model)
        optimizer.update()
        for model in others:
            model.copyparams(main)
        if self.auto_new_epoch and iterator.is_new_epoch:
            optimizer.new_epoch(auto=True)

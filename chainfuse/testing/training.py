"""``testing.get_trainer_with_mock_updater``: a Trainer whose updater only counts."""
import unittest.mock

from chainfuse import training


def get_trainer_with_mock_updater(stop_trigger=(10, 'iteration'), iter_per_epoch=10,
                                  extensions=None):
    """A Trainer over a ``unittest.mock.Mock`` updater whose ``update()`` advances
    ``iteration``, ``epoch``, ``epoch_detail``, ``is_new_epoch`` and
    ``previous_epoch_detail`` as a real one does (`iter_per_epoch` iterations an epoch);
    ``updater.update_core`` is the mock called each time."""
    updater = unittest.mock.Mock()
    updater.get_all_optimizers.return_value = {}
    updater.iteration = 0
    updater.epoch = 0
    updater.epoch_detail = 0
    updater.is_new_epoch = True
    updater.previous_epoch_detail = None

    def update():
        updater.update_core()
        updater.iteration += 1
        updater.epoch = updater.iteration // iter_per_epoch
        updater.epoch_detail = updater.iteration / iter_per_epoch
        updater.is_new_epoch = (updater.iteration - 1) // iter_per_epoch != updater.epoch
        updater.previous_epoch_detail = (updater.iteration - 1) / iter_per_epoch

    updater.update = update
    return training.Trainer(updater, stop_trigger, extensions=extensions or [])

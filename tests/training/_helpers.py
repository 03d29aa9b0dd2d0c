"""Small real pieces shared by the training tests."""
import types

from chainfuse.training.updater import Updater


class CountingUpdater(Updater):
    """An Updater without a model: each update advances the iteration, and an epoch
    lasts `iters_per_epoch` iterations (possibly fractional, like 5 examples in
    batches of 2).  `on_update(iteration)` lets a test report values; `optimizers`
    are only handed out (the trainer registers their targets as observers)."""

    def __init__(self, iters_per_epoch=1.0, on_update=None, optimizers=None):
        self.iters_per_epoch = iters_per_epoch
        self.optimizers = optimizers or {}
        self.iteration = 0
        self.on_update = on_update
        self.finalized = 0

    @property
    def epoch_detail(self):
        return self.iteration / self.iters_per_epoch

    @property
    def previous_epoch_detail(self):
        return max(self.iteration - 1, 0) / self.iters_per_epoch

    @property
    def epoch(self):
        return int(self.epoch_detail)

    @property
    def is_new_epoch(self):
        return self.iteration > 0 and int(self.previous_epoch_detail) != self.epoch

    def get_optimizer(self, name):
        return self.optimizers[name]

    def get_all_optimizers(self):
        return dict(self.optimizers)

    def update(self):
        if self.on_update is not None:
            self.on_update(self.iteration + 1)
        self.iteration += 1

    def finalize(self):
        self.finalized += 1

    def serialize(self, serializer):
        self.iteration = int(serializer('iteration', self.iteration))


def fake_trainer(updater, observation=None, elapsed_time=0.0):
    """What a trigger reads from a trainer: updater, observation, elapsed_time."""
    return types.SimpleNamespace(updater=updater, observation=observation or {},
                                 elapsed_time=elapsed_time)


def fire_points(trigger, updater, n):
    """Iterations in 1..n at which `trigger` fires, stepping `updater` each time."""
    trainer = fake_trainer(updater)
    fired = []
    for _ in range(n):
        updater.update()
        if trigger(trainer):
            fired.append(updater.iteration)
    return fired

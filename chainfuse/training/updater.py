"""Updater: the object that performs one training step for the Trainer."""


class Updater:
    """Interface of updaters.

    The Trainer calls `update()` once per iteration and reads `iteration`,
    `epoch`, `epoch_detail`, `previous_epoch_detail` and `is_new_epoch`, which
    triggers and extensions use to decide what to do.  `get_all_optimizers()`
    names the optimizers whose targets become reporter observers ('main' gives
    the 'main/...' keys).
    """

    iteration = 0

    def connect_trainer(self, trainer):
        """Called by the Trainer it belongs to (it may register extensions)."""

    def finalize(self):
        """Releases resources (iterator worker processes) at the end of training."""

    def get_optimizer(self, name):
        raise NotImplementedError

    def get_all_optimizers(self):
        raise NotImplementedError

    def update(self):
        """Performs one update and advances `iteration`."""
        raise NotImplementedError

    def serialize(self, serializer):
        raise NotImplementedError

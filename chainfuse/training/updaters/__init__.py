"""Updaters: how one training iteration updates the model."""
from chainfuse.training.updaters.standard_updater import StandardUpdater  # noqa: F401
from chainfuse.training.updaters.parallel_updater import ParallelUpdater  # noqa: F401
from chainfuse.training.updaters.multiprocess_parallel_updater import (  # noqa: F401
    MultiprocessParallelUpdater)

__all__ = ['StandardUpdater', 'ParallelUpdater', 'MultiprocessParallelUpdater']

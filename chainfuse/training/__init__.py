"""Training loop: Trainer, updaters, triggers and extensions (``chainer.training``)."""
from chainfuse.training import extension  # noqa: F401
from chainfuse.training import extensions  # noqa: F401
from chainfuse.training import triggers  # noqa: F401
from chainfuse.training import updater  # noqa: F401
from chainfuse.training import updaters  # noqa: F401
from chainfuse.training import util  # noqa: F401
from chainfuse.training.extension import (  # noqa: F401
    Extension, make_extension, PRIORITY_EDITOR, PRIORITY_READER, PRIORITY_SNAPSHOT,
    PRIORITY_WRITER)
from chainfuse.training.trainer import Trainer  # noqa: F401
from chainfuse.training.updater import Updater  # noqa: F401
from chainfuse.training.updaters import ParallelUpdater, StandardUpdater  # noqa: F401
from chainfuse.training.util import get_trigger  # noqa: F401
from chainfuse.training.triggers import IntervalTrigger  # noqa: F401

__all__ = ['Trainer', 'StandardUpdater', 'Updater', 'Extension', 'make_extension',
           'get_trigger', 'triggers', 'extensions', 'updaters', 'PRIORITY_WRITER',
           'PRIORITY_EDITOR', 'PRIORITY_READER', 'PRIORITY_SNAPSHOT']

"""Triggers: callables ``trigger(trainer) -> bool`` deciding when something happens."""
from chainfuse.training.triggers.early_stopping_trigger import EarlyStoppingTrigger  # noqa
from chainfuse.training.triggers.interval_trigger import IntervalTrigger  # noqa: F401
from chainfuse.training.triggers.manual_schedule_trigger import ManualScheduleTrigger  # noqa
from chainfuse.training.triggers.minmax_value_trigger import (  # noqa: F401
    BestValueTrigger, MaxValueTrigger, MinValueTrigger)
from chainfuse.training.triggers.once_trigger import OnceTrigger  # noqa: F401
from chainfuse.training.triggers.time_trigger import TimeTrigger  # noqa: F401

__all__ = ['EarlyStoppingTrigger', 'IntervalTrigger', 'ManualScheduleTrigger',
           'BestValueTrigger', 'MaxValueTrigger', 'MinValueTrigger', 'OnceTrigger',
           'TimeTrigger']

"""Updaters: how one training iteration updates the model."""
from chainfuse.training.updaters.standard_updater import StandardUpdater  # noqa: F401

__all__ = ['StandardUpdater']

"""chainfuse.link_hooks: hooks run around a Link's forward (Chainer's link_hooks)."""
from chainfuse.link_hooks.link_hook import LinkHook  # noqa: F401
from chainfuse.link_hooks.spectral_normalization import SpectralNormalization  # noqa: F401
from chainfuse.link_hooks.timer import TimerHook, TimerLinkHook  # noqa: F401
from chainfuse.link_hooks.weight_standardization import WeightStandardization  # noqa: F401

__all__ = ['LinkHook', 'SpectralNormalization', 'TimerHook', 'TimerLinkHook',
           'WeightStandardization']

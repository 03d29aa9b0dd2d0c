"""``chainer.utils.nondeterministic``: a warning where results may vary run to run."""
import warnings

from chainfuse.config import config


def nondeterministic(f_name):
    """Warns that `f_name` may not be deterministic, when ``config.warn_nondeterministic``
    is True (Chainer calls it around atomicAdd-based GPU kernels)."""
    if config.warn_nondeterministic:
        warnings.warn('Potentially non-deterministic code is being executed while '
                      f'config.warn_nondeterministic is set. Source: {f_name}', stacklevel=2)

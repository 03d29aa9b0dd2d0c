"""``chainer.utils.experimental``: a FutureWarning that an API may change."""
import sys
import warnings


def experimental(api_name):
    """Warns (FutureWarning) that `api_name` is experimental, unless
    ``chainfuse.disable_experimental_feature_warning`` is True."""
    package = sys.modules.get('chainfuse')
    if not getattr(package, 'disable_experimental_feature_warning', False):
        warnings.warn(f'{api_name} is experimental. The interface can change in the future.',
                      FutureWarning, stacklevel=2)

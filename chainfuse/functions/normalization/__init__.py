from chainfuse.functions.normalization.batch_normalization import (
    batch_normalization, fixed_batch_normalization)
from chainfuse.functions.normalization.l2_normalization import normalize
from chainfuse.functions.normalization.layer_normalization import layer_normalization

__all__ = ['batch_normalization', 'fixed_batch_normalization', 'layer_normalization',
           'normalize']

from chainfuse.functions.normalization.batch_normalization import (
    batch_normalization, fixed_batch_normalization)
from chainfuse.functions.normalization.batch_renormalization import (
    batch_renormalization, fixed_batch_renormalization)
from chainfuse.functions.normalization.decorrelated_batch_normalization import (
    decorrelated_batch_normalization, fixed_decorrelated_batch_normalization)
from chainfuse.functions.normalization.group_normalization import group_normalization
from chainfuse.functions.normalization.l2_normalization import normalize
from chainfuse.functions.normalization.layer_normalization import layer_normalization
from chainfuse.functions.normalization.local_response_normalization import (
    local_response_normalization)

__all__ = ['batch_normalization', 'fixed_batch_normalization', 'layer_normalization',
           'normalize', 'batch_renormalization', 'fixed_batch_renormalization',
           'group_normalization', 'local_response_normalization',
           'decorrelated_batch_normalization', 'fixed_decorrelated_batch_normalization']

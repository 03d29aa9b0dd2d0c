"""Normalization links: BatchNormalization, BatchRenormalization,
DecorrelatedBatchNormalization, GroupNormalization, LayerNormalization."""
from chainfuse.links.normalization.batch_normalization import BatchNormalization  # noqa: F401
from chainfuse.links.normalization.batch_renormalization import (  # noqa: F401
    BatchRenormalization)
from chainfuse.links.normalization.group_normalization import GroupNormalization  # noqa
from chainfuse.links.normalization.layer_normalization import LayerNormalization  # noqa: F401
from chainfuse.links.normalization.decorrelated_batch_normalization import (  # noqa: F401
    DecorrelatedBatchNormalization)

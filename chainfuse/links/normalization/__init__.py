"""Normalization links: BatchNormalization, LayerNormalization."""
from chainfuse.links.normalization.batch_normalization import BatchNormalization  # noqa: F401
from chainfuse.links.normalization.layer_normalization import LayerNormalization  # noqa: F401

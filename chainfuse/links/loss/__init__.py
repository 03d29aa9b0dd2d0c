"""Loss links: NegativeSampling, BlackOut, CRF1d, BinaryHierarchicalSoftmax."""
from chainfuse.links.loss.black_out import BlackOut  # noqa: F401
from chainfuse.links.loss.crf1d import CRF1d  # noqa: F401
from chainfuse.links.loss.hierarchical_softmax import BinaryHierarchicalSoftmax  # noqa: F401
from chainfuse.links.loss.negative_sampling import NegativeSampling  # noqa: F401

__all__ = ['BinaryHierarchicalSoftmax', 'BlackOut', 'CRF1d', 'NegativeSampling']

from chainfuse.functions.pooling.average_pooling_2d import average_pooling_2d
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.functions.pooling.unpooling_2d import unpooling_2d

__all__ = ['average_pooling_2d', 'max_pooling_2d', 'unpooling_2d']

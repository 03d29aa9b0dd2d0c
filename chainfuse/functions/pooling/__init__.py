from chainfuse.functions.pooling.average_pooling_2d import average_pooling_2d
from chainfuse.functions.pooling.average_pooling_nd import (
    average_pooling_1d, average_pooling_3d, average_pooling_nd)
from chainfuse.functions.pooling.max_pooling_2d import max_pooling_2d
from chainfuse.functions.pooling.max_pooling_nd import (
    max_pooling_1d, max_pooling_3d, max_pooling_nd)
from chainfuse.functions.pooling.spatial_pyramid_pooling_2d import spatial_pyramid_pooling_2d
from chainfuse.functions.pooling.unpooling_2d import unpooling_2d
from chainfuse.functions.pooling.unpooling_nd import unpooling_1d, unpooling_3d, unpooling_nd
from chainfuse.functions.pooling.upsampling_2d import upsampling_2d

__all__ = ['average_pooling_2d', 'max_pooling_2d', 'unpooling_2d', 'average_pooling_1d',
           'average_pooling_3d', 'average_pooling_nd', 'max_pooling_1d', 'max_pooling_3d',
           'max_pooling_nd', 'spatial_pyramid_pooling_2d', 'unpooling_1d', 'unpooling_3d',
           'unpooling_nd', 'upsampling_2d']

from chainfuse.functions.connection.bilinear import bilinear
from chainfuse.functions.connection.convolution_2d import convolution_2d
from chainfuse.functions.connection.convolution_nd import (
    convolution_1d, convolution_3d, convolution_nd)
from chainfuse.functions.connection.deconvolution_2d import deconvolution_2d
from chainfuse.functions.connection.deconvolution_nd import (
    deconvolution_1d, deconvolution_3d, deconvolution_nd)
from chainfuse.functions.connection.deformable_convolution_2d_sampler import (
    deformable_convolution_2d_sampler)
from chainfuse.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
from chainfuse.functions.connection.dilated_convolution_2d import dilated_convolution_2d
from chainfuse.functions.connection.embed_id import embed_id
from chainfuse.functions.connection.linear import linear
from chainfuse.functions.connection.local_convolution_2d import local_convolution_2d
from chainfuse.functions.connection.shift import shift

__all__ = ['convolution_2d', 'deconvolution_2d', 'embed_id', 'linear', 'convolution_1d',
           'convolution_3d', 'convolution_nd', 'deconvolution_1d', 'deconvolution_3d',
           'deconvolution_nd', 'depthwise_convolution_2d', 'dilated_convolution_2d', 'bilinear',
           'local_convolution_2d', 'shift', 'deformable_convolution_2d_sampler']

"""Connection links: Linear, the convolutions (2-D, N-D, dilated, depthwise, local),
deconvolutions, EmbedID, Bias, Scale, Maxout, LSTM, Bilinear, Highway, inception
modules, MLPConvolution2D and Parameter."""
from chainfuse.links.connection.linear import Linear  # noqa: F401
from chainfuse.links.connection.convolution_2d import Convolution2D  # noqa: F401
from chainfuse.links.connection.deconvolution_2d import Deconvolution2D  # noqa: F401
from chainfuse.links.connection.embed_id import EmbedID  # noqa: F401
from chainfuse.links.connection.bias import Bias  # noqa: F401
from chainfuse.links.connection.scale import Scale  # noqa: F401
from chainfuse.links.connection.maxout import Maxout  # noqa: F401
from chainfuse.links.connection.lstm import LSTM, StatelessLSTM  # noqa: F401
from chainfuse.links.connection.bilinear import Bilinear  # noqa: F401
from chainfuse.links.connection.convolution_nd import (  # noqa: F401
    Convolution1D, Convolution3D, ConvolutionND)
from chainfuse.links.connection.deconvolution_nd import (  # noqa: F401
    Deconvolution1D, Deconvolution3D, DeconvolutionND)
from chainfuse.links.connection.deformable_convolution_2d import (  # noqa: F401
    DeformableConvolution2D)
from chainfuse.links.connection.depthwise_convolution_2d import (  # noqa: F401
    DepthwiseConvolution2D)
from chainfuse.links.connection.dilated_convolution_2d import DilatedConvolution2D  # noqa
from chainfuse.links.connection.highway import Highway  # noqa: F401
from chainfuse.links.connection.inception import Inception  # noqa: F401
from chainfuse.links.connection.inceptionbn import InceptionBN  # noqa: F401
from chainfuse.links.connection.local_convolution_2d import LocalConvolution2D  # noqa
from chainfuse.links.connection.mlp_convolution_2d import MLPConvolution2D  # noqa: F401
from chainfuse.links.connection.parameter import Parameter  # noqa: F401

NEW = ['Bilinear', 'DeformableConvolution2D', 'Convolution1D', 'Convolution3D',
       'ConvolutionND', 'Deconvolution1D', 'Deconvolution3D', 'DeconvolutionND',
       'DepthwiseConvolution2D', 'DilatedConvolution2D', 'Highway', 'Inception',
       'InceptionBN', 'LocalConvolution2D', 'MLPConvolution2D', 'Parameter']

"""Connection links: Linear, Convolution2D, Deconvolution2D, EmbedID, Bias, Scale, Maxout,
LSTM."""
from chainfuse.links.connection.linear import Linear  # noqa: F401
from chainfuse.links.connection.convolution_2d import Convolution2D  # noqa: F401
from chainfuse.links.connection.deconvolution_2d import Deconvolution2D  # noqa: F401
from chainfuse.links.connection.embed_id import EmbedID  # noqa: F401
from chainfuse.links.connection.bias import Bias  # noqa: F401
from chainfuse.links.connection.scale import Scale  # noqa: F401
from chainfuse.links.connection.maxout import Maxout  # noqa: F401
from chainfuse.links.connection.lstm import LSTM  # noqa: F401

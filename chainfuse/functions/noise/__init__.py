from chainfuse.functions.noise.dropout import dropout
from chainfuse.functions.noise.gaussian import gaussian
from chainfuse.functions.noise.gumbel_softmax import gumbel_softmax
from chainfuse.functions.noise.simplified_dropconnect import simplified_dropconnect
from chainfuse.functions.noise.zoneout import zoneout

__all__ = ['dropout', 'gaussian', 'gumbel_softmax', 'simplified_dropconnect', 'zoneout']

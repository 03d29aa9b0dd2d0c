from chainfuse import functions as F
from chainfuse.core.variable import Parameter as _Parameter
from chainfuse.links.link import Link


class Parameter(Link):
    """``Parameter(array)``: a link holding one parameter W initialized to `array`;
    calling it returns W (through ``F.identity``, so gradients reach W)."""

    def __init__(self, array):
        super().__init__()
        with self.init_scope():
            self.W = _Parameter(array)

    def forward(self, volatile='off'):
        return F.identity(self.W)

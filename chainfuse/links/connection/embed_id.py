"""L.EmbedID: a lookup table of word vectors, W of shape (in_size, out_size)."""
from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.connection import _args
from chainfuse.links.link import Link


class EmbedID(Link):
    """Maps integer IDs in [0, in_size) to rows of W; `ignore_label` rows give zeros.

    The default initializer is Normal(1.0), as in Chainer.
    """

    ignore_label = None

    def __init__(self, in_size, out_size, initialW=None, ignore_label=None):
        super().__init__()
        self.in_size = _args.size('EmbedID', 'in_size', in_size)
        self.out_size = _args.size('EmbedID', 'out_size', out_size)
        self.ignore_label = ignore_label
        if initialW is None:
            initialW = initializers.Normal(1.0)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW), (in_size, out_size))

    @property
    def printable_specs(self):
        yield 'in_size', self.in_size
        yield 'out_size', self.out_size
        yield 'ignore_label', self.ignore_label

    def forward(self, x):
        self._check_input_device(x)
        return F.embed_id(x, self.W, ignore_label=self.ignore_label)

import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link
from chainfuse.links.loss._alias import AliasSampler


class BlackOut(Link):
    """``BlackOut(in_size, counts, sample_size)``: output vectors W (len(counts),
    in_size) and `sample_size` negatives per row drawn proportionally to counts;
    ``link(x, t)`` is ``F.black_out`` averaged over the batch.  As in Chainer W starts
    as NaN (set it before training); ``sample_data`` fixes the negatives."""

    sample_data = None

    def __init__(self, in_size, counts, sample_size):
        super().__init__()
        self.sampler = AliasSampler(numpy.array(counts, numpy.float32))
        self.sample_size = sample_size
        with self.init_scope():
            self.W = Parameter(initializers.NaN(), (len(counts), in_size))

    def forward(self, x, t):
        if self.sample_data is not None:
            samples = self.sample_data
        else:
            samples = self.sampler.sample((x.shape[0], self.sample_size), self.xp,
                                          self.device.name)
        return F.black_out(x, t, self.W, samples)

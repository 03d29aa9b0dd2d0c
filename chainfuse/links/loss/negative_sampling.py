import numpy

from chainfuse import functions as F
from chainfuse.config import config
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link
from chainfuse.links.loss._alias import AliasSampler


class NegativeSampling(Link):
    """``NegativeSampling(in_size, counts, sample_size, power=0.75, dtype=None)``: the
    output vectors W (len(counts), in_size), initially 0, and a sampler of negatives
    with probabilities proportional to ``counts ** power`` (Mikolov et al.); ``link(x, t,
    reduce='sum', return_samples=False)`` is ``F.negative_sampling``.  The sampler is
    built from ops, so compiled models draw fresh negatives on every call."""

    def __init__(self, in_size, counts, sample_size, power=0.75, dtype=None):
        super().__init__()
        dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self.sample_size = sample_size
        p = numpy.power(numpy.array(counts, dtype), dtype.type(power))
        self.sampler = AliasSampler(p)
        with self.init_scope():
            self.W = Parameter(numpy.zeros((len(counts), in_size), dtype))

    def _sample(self, shape):
        return self.sampler.sample(shape, self.xp, self.device.name)

    def forward(self, x, t, reduce='sum', **kwargs):
        return_samples = kwargs.pop('return_samples', False)
        if kwargs:
            raise TypeError(f'NegativeSampling() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        return F.negative_sampling(x, t, self.W, self._sample, self.sample_size,
                                   reduce=reduce, return_samples=return_samples)

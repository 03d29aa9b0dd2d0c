import numpy

from chainfuse import functions as F
from chainfuse.config import config
from chainfuse.links.link import Link


class DecorrelatedBatchNormalization(Link):
    """``DecorrelatedBatchNormalization(size, groups=16, decay=0.9, eps=2e-5,
    dtype=numpy.float32)``: ZCA-whitens channel groups while training
    (``F.decorrelated_batch_normalization``, updating the persistents ``avg_mean``
    (groups, C/g) and ``avg_projection`` (groups, C/g, C/g), initially the identity) and
    applies them in test mode.  ``finetune=True`` averages the statistics over batches."""

    def __init__(self, size, groups=16, decay=0.9, eps=2e-5, dtype=numpy.float32):
        super().__init__()
        c = size // groups
        self.add_persistent('avg_mean', numpy.zeros((groups, c), dtype=dtype))
        projection = numpy.zeros((groups, c, c), dtype=dtype)
        projection[:, numpy.arange(c), numpy.arange(c)] = 1
        self.add_persistent('avg_projection', projection)
        self.add_persistent('N', 0)
        self.decay = decay
        self.eps = eps
        self.groups = groups

    def forward(self, x, **kwargs):
        finetune = kwargs.pop('finetune', False)
        if kwargs:
            raise TypeError(f'DecorrelatedBatchNormalization() got unexpected keyword '
                            f'argument(s) {sorted(kwargs)}')
        self._check_input_device(x)
        if not config.train:
            return F.fixed_decorrelated_batch_normalization(
                x, self.avg_mean, self.avg_projection, groups=self.groups)
        if finetune:
            self.N += 1
            decay = 1.0 - 1.0 / self.N
        else:
            decay = self.decay
        return F.decorrelated_batch_normalization(
            x, groups=self.groups, eps=self.eps, running_mean=self.avg_mean,
            running_projection=self.avg_projection, decay=decay)

    def start_finetuning(self):
        self.N = 0

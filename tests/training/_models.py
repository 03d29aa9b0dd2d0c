"""A tiny model and data set for the trainer tests."""
import numpy

import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.datasets import TupleDataset
from chainfuse.link import Chain


class MLP(Chain):
    def __init__(self, n_units=8, n_out=3, n_in=None):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(n_in, n_units)
            self.l2 = L.Linear(None if n_in is None else n_units, n_out)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


def toy_dataset(n=24, n_in=4, n_out=3, seed=0):
    """A separable classification set: the label is the argmax of a fixed projection."""
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((n, n_in)).astype(numpy.float32)
    proj = rng.standard_normal((n_in, n_out)).astype(numpy.float32)
    t = (x @ proj).argmax(axis=1).astype(numpy.int32)
    return TupleDataset(x, t)

"""Chainer's ``chainer.distribution`` module: the `Distribution` base and the
KL-divergence registry (defined in `chainfuse.distributions.distribution`)."""
from chainfuse.distributions.distribution import (  # noqa: F401
    Distribution, cross_entropy, kl_divergence, register_kl)

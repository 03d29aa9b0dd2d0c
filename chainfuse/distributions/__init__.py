"""Probability distributions with Chainer 7's API (``chainer.distributions``).

Each distribution computes its log-densities, moments, entropies and KL divergences
with chainfuse functions on Variables, so they are differentiable eagerly and trace
into a compiled plan (a VAE loss with ``Normal``, ``Bernoulli`` and `kl_divergence`
compiles like any other model).  Where the samples come from, and which draws may run
inside a compiled call, is described in `chainfuse.distributions._sampling`.
"""
from chainfuse.distributions import utils  # noqa: F401
from chainfuse.distributions.distribution import (  # noqa: F401
    Distribution, cross_entropy, kl_divergence, register_kl)
from chainfuse.distributions.bernoulli import Bernoulli  # noqa: F401
from chainfuse.distributions.beta import Beta  # noqa: F401
from chainfuse.distributions.categorical import Categorical  # noqa: F401
from chainfuse.distributions.cauchy import Cauchy  # noqa: F401
from chainfuse.distributions.chisquare import Chisquare  # noqa: F401
from chainfuse.distributions.dirichlet import Dirichlet  # noqa: F401
from chainfuse.distributions.exponential import Exponential  # noqa: F401
from chainfuse.distributions.gamma import Gamma  # noqa: F401
from chainfuse.distributions.geometric import Geometric  # noqa: F401
from chainfuse.distributions.gumbel import Gumbel  # noqa: F401
from chainfuse.distributions.independent import Independent  # noqa: F401
from chainfuse.distributions.laplace import Laplace  # noqa: F401
from chainfuse.distributions.log_normal import LogNormal  # noqa: F401
from chainfuse.distributions.multivariate_normal import MultivariateNormal  # noqa: F401
from chainfuse.distributions.normal import Normal  # noqa: F401
from chainfuse.distributions.one_hot_categorical import OneHotCategorical  # noqa: F401
from chainfuse.distributions.pareto import Pareto  # noqa: F401
from chainfuse.distributions.poisson import Poisson  # noqa: F401
from chainfuse.distributions.uniform import Uniform  # noqa: F401

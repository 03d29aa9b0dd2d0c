"""chainfuse.functions (imported as F): user-facing functions composed from registry ops.

Each category package lists its public names in ``__all__``; they are re-exported here
with Chainer's names and argument conventions.
"""
from chainfuse.functions.activation import *  # noqa: F401,F403
from chainfuse.functions.math import *  # noqa: F401,F403
from chainfuse.functions.array import *  # noqa: F401,F403
from chainfuse.functions.connection import *  # noqa: F401,F403
from chainfuse.functions.pooling import *  # noqa: F401,F403
from chainfuse.functions.loss import *  # noqa: F401,F403
from chainfuse.functions.evaluation import *  # noqa: F401,F403
from chainfuse.functions.noise import *  # noqa: F401,F403
from chainfuse.functions.normalization import *  # noqa: F401,F403
from chainfuse.functions.rnn import *  # noqa: F401,F403

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
from chainfuse.functions.util import *  # noqa: F401,F403

# every public function records the primitives it applies as one node (core/calls.py)
from chainfuse.functions._labels import wrap_public as _wrap_public  # noqa: E402

_wrap_public(globals())

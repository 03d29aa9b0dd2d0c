"""The op registry (see `chainfuse.ops.registry`) and every primitive, by category."""
from chainfuse.ops.registry import (  # noqa: F401
    Aval, OPS, Op, OpTypeError, REQUIRED, defop, get_op, ELEMENTWISE, REDUCTION, MOVEMENT,
    LINALG, CONV, RANDOM, OTHER)
from chainfuse.ops import elementwise, array, reduction, linalg  # noqa: F401
from chainfuse.ops import conv  # noqa: F401
from chainfuse.ops import random  # noqa: F401
from chainfuse.ops import special  # noqa: F401

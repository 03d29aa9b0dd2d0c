"""Helpers of the evaluation functions: counting in a dtype that does not saturate."""
import numpy

from chainfuse.ops import elementwise as E
from chainfuse.ops import reduction as R


def count_dtype(dtype):
    """float64 for float64 scores, else float32 (a float16 sum stops counting at 2048)."""
    return numpy.dtype(numpy.float64 if dtype == numpy.float64 else numpy.float32)


def ratio(hits, total, dtype):
    """``sum(hits) / max(total, 1)`` in `dtype` (0 when nothing is counted).

    `hits` is a float mask; `total` a count Variable or a Python number.
    """
    if isinstance(total, (int, float)):
        total = float(max(total, 1))
    else:
        total = E.maximum(total, 1.0)
    r = E.div(R.sum(hits), total)
    return r if r.dtype == dtype else E.astype(r, dtype=dtype)

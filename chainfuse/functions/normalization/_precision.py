"""float16 normalization computes in float32.

The statistics of a float16 batch lose digits, and the gradient of ``1/sqrt(var + eps)``
holds ``(var + eps) ** -1.5``, which exceeds float16's range (65504) as soon as the
standard deviation is below about 0.025.  So float16 inputs are cast to float32 (by the
`astype` op, whose gradient casts back), normalized, and the result cast to float16.
"""
import numpy

from chainfuse.ops import elementwise as E

F16 = numpy.dtype(numpy.float16)
F32 = numpy.dtype(numpy.float32)


def compute_dtype(dtype):
    return F32 if dtype == F16 else numpy.dtype(dtype)


def cast_all(dtype, *values):
    """Each value (Variable or array) as `dtype`, through the astype op where needed."""
    return tuple(v if v.dtype == dtype else E.astype(v, dtype=dtype) for v in values)


def cast_back(y, dtype):
    return y if y.dtype == dtype else E.astype(y, dtype=dtype)

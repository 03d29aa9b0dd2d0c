from chainfuse.functions.math.arctanh import arctanh
from chainfuse.functions.math.average import average, mean
from chainfuse.functions.math.basic_math import absolute
from chainfuse.functions.math.batch_l2_norm_squared import batch_l2_norm_squared
from chainfuse.functions.math.bias import bias
from chainfuse.functions.math.clip import clip
from chainfuse.functions.math.cumsum import cumsum
from chainfuse.functions.math.erf import erf, erfc, erfcinv, erfcx, erfinv
from chainfuse.functions.math.exponential import exp, expm1, log, log10, log1p, log2
from chainfuse.functions.math.fmod import fmod
from chainfuse.functions.math.gamma import digamma, lgamma, polygamma, zeta
from chainfuse.functions.math.hyperbolic import cosh, sinh
from chainfuse.functions.math.identity import identity
from chainfuse.functions.math.linear_interpolate import linear_interpolate
from chainfuse.functions.math.logsumexp import logsumexp
from chainfuse.functions.math.matmul import batch_matmul, matmul
from chainfuse.functions.math.maximum import maximum, minimum
from chainfuse.functions.math.minmax import argmax, argmin, max, min
from chainfuse.functions.math.ndtr import log_ndtr, ndtr, ndtri
from chainfuse.functions.math.rounding import ceil, fix, floor, sign
from chainfuse.functions.math.scale import scale
from chainfuse.functions.math.sqrt import rsqrt, sqrt
from chainfuse.functions.math.square import square, squared_difference
from chainfuse.functions.math.sum import sum
from chainfuse.functions.math.trigonometric import (
    arccos, arcsin, arctan, arctan2, cos, sin, tan)

__all__ = [
    'absolute', 'argmax', 'argmin', 'average', 'batch_l2_norm_squared', 'batch_matmul',
    'bias', 'ceil', 'clip', 'cos', 'cosh', 'cumsum', 'exp', 'expm1', 'fix', 'floor',
    'identity', 'linear_interpolate', 'log', 'log10', 'log1p', 'log2', 'logsumexp', 'matmul',
    'max', 'maximum', 'mean', 'min', 'minimum', 'rsqrt', 'scale', 'sign', 'sin', 'sinh',
    'sqrt', 'square', 'squared_difference', 'sum', 'tan',
    'arccos', 'arcsin', 'arctan', 'arctan2', 'arctanh', 'fmod', 'erf', 'erfc', 'erfcx',
    'erfinv', 'erfcinv', 'lgamma', 'digamma', 'polygamma', 'zeta', 'ndtr', 'ndtri',
    'log_ndtr',
]

from chainfuse.functions.math.arctanh import arctanh
from chainfuse.functions.math.average import average, mean
from chainfuse.functions.math.basic_math import absolute, add
from chainfuse.functions.math.batch_l2_norm_squared import batch_l2_norm_squared
from chainfuse.functions.math.bias import bias
from chainfuse.functions.math.cholesky import cholesky
from chainfuse.functions.math.clip import clip
from chainfuse.functions.math.cumprod import cumprod
from chainfuse.functions.math.cumsum import cumsum
from chainfuse.functions.math.det import batch_det, det
from chainfuse.functions.math.einsum import einsum
from chainfuse.functions.math.erf import erf, erfc, erfcinv, erfcx, erfinv
from chainfuse.functions.math.exponential import exp, expm1, log, log10, log1p, log2
from chainfuse.functions.math.fft import fft, ifft
from chainfuse.functions.math.fmod import fmod
from chainfuse.functions.math.gamma import digamma, lgamma, polygamma, zeta
from chainfuse.functions.math.hyperbolic import cosh, sinh
from chainfuse.functions.math.identity import identity
from chainfuse.functions.math.inv import batch_inv, inv
from chainfuse.functions.math.linear_interpolate import linear_interpolate
from chainfuse.functions.math.logsumexp import logsumexp
from chainfuse.functions.math.matmul import batch_matmul, matmul
from chainfuse.functions.math.maximum import maximum, minimum
from chainfuse.functions.math.minmax import argmax, argmin, max, min
from chainfuse.functions.math.ndtr import log_ndtr, ndtr, ndtri
from chainfuse.functions.math.rounding import ceil, fix, floor, sign
from chainfuse.functions.math.prod import prod
from chainfuse.functions.math.scale import scale
from chainfuse.functions.math.sqrt import rsqrt, sqrt
from chainfuse.functions.math.square import square, squared_difference
from chainfuse.functions.math.sum import sum, sum_to
from chainfuse.functions.math.tensordot import tensordot
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
    'log_ndtr', 'add', 'prod', 'cumprod', 'sum_to', 'einsum', 'tensordot', 'det',
    'batch_det', 'inv', 'batch_inv', 'cholesky', 'fft', 'ifft',
]

"""Rows for F.activation (chainfuse/functions/activation/)."""
import math

import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, nonzero, uniform

_erf = numpy.vectorize(math.erf, otypes=[numpy.float64])
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _sigmoid(x):
    return 1.0 / (1.0 + numpy.exp(-x))


def _leaky_relu(x, slope=0.2):
    return numpy.where(x >= 0, x, slope * x)


def _elu(x, alpha=1.0):
    return numpy.where(x > 0, x, alpha * (numpy.exp(numpy.minimum(x, 0)) - 1))


def _softplus(x, beta=1.0):
    return numpy.logaddexp(0.0, beta * x) / beta


def _swish(x, beta):
    b = beta.reshape((1,) + beta.shape + (1,) * (x.ndim - beta.ndim - 1))
    return x * _sigmoid(b * x)


def _prelu(x, W):
    w = W.reshape((1,) + W.shape + (1,) * (x.ndim - W.ndim - 1))
    return numpy.where(x >= 0, x, w * x)


def _softmax(x, axis=1):
    e = numpy.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=1):
    return numpy.log(_softmax(x, axis))


def _maxout(x, pool_size, axis=1):
    shape = x.shape[:axis] + (x.shape[axis] // pool_size, pool_size) + x.shape[axis + 1:]
    return x.reshape(shape).max(axis=axis + 1)


R_SLOPES = numpy.random.default_rng(3).uniform(0.1, 0.3, (3, 4))

CASES = [
    Case(F.crelu, [nonzero(2, 3)], ref=lambda x: numpy.concatenate(
        [numpy.maximum(x, 0), numpy.maximum(-x, 0)], axis=1)),
    Case(F.crelu, [nonzero(2, 3, 2)], attrs=dict(axis=2), ref=lambda x, axis: numpy.concatenate(
        [numpy.maximum(x, 0), numpy.maximum(-x, 0)], axis=axis), name='crelu_axis2'),
    Case(lambda x: F.rrelu(x, r=R_SLOPES.astype(x.dtype)), [nonzero(3, 4)],
         ref=lambda x: numpy.where(x >= 0, x, x * R_SLOPES), name='rrelu_given_r',
         covers='rrelu'),
    Case(F.leaky_relu, [nonzero(3, 4)], ref=_leaky_relu),
    Case(F.leaky_relu, [nonzero(2, 3, 2)], attrs=dict(slope=0.5), ref=_leaky_relu,
         name='leaky_relu_slope'),
    Case(F.elu, [nonzero(3, 4)], ref=_elu),
    Case(F.elu, [nonzero(3, 4)], attrs=dict(alpha=0.5), ref=_elu, name='elu_alpha'),
    Case(F.elu, [const([[-800.0, 800.0], [-0.5, 0.5]])], ref=_elu, dtypes=(numpy.float64,),
         name='elu_extremes'),
    Case(F.selu, [nonzero(3, 4)], ref=lambda x: SELU_SCALE * _elu(x, SELU_ALPHA)),
    Case(F.relu, [nonzero(2, 5)], ref=lambda x: numpy.maximum(x, 0), name='relu_act'),
    Case(F.clipped_relu, [uniform(3, 4, low=-2, high=2)], attrs=dict(z=1.0),
         ref=lambda x, z: numpy.clip(x, 0, z)),
    Case(F.relu6, [uniform(3, 4, low=-9, high=9)], ref=lambda x: numpy.clip(x, 0, 6)),
    Case(F.prelu, [nonzero(2, 3, 4), uniform(3)], ref=_prelu),
    Case(F.prelu, [nonzero(2, 3, 4), uniform(3, 4)], ref=_prelu, name='prelu_2d_w'),
    Case(F.sigmoid, [uniform(3, 4, low=-4, high=4)], ref=_sigmoid),
    Case(F.hard_sigmoid, [const([[-3.5, -1.0, 0.3], [2.0, 3.0, -2.0]])],
         ref=lambda x: numpy.clip(0.2 * x + 0.5, 0, 1)),
    Case(F.tanh, [uniform(3, 4, low=-2, high=2)], ref=numpy.tanh),
    Case(F.softplus, [uniform(3, 4, low=-3, high=3)], ref=_softplus),
    Case(F.softplus, [uniform(3, 4, low=-3, high=3)], attrs=dict(beta=2.0), ref=_softplus,
         name='softplus_beta'),
    Case(F.softplus, [const([-1000.0, -30.0, 0.5, 30.0, 1000.0])], ref=_softplus,
         dtypes=(numpy.float32, numpy.float64), name='softplus_extremes'),
    Case(F.softplus, [const([-1.0, 0.0, 0.5])], ref=_softplus, name='softplus_at_zero'),
    # elu's second derivative jumps at 0 (alpha vs 0): first order only there
    Case(F.elu, [const([-1.0, 0.0, 0.5])], attrs=dict(alpha=1.0), ref=_elu, double=False,
         name='elu_at_zero'),
    Case(F.swish, [uniform(2, 3, 4), uniform(3)], ref=_swish),
    Case(F.swish, [uniform(2, 3, 4), uniform(3, 4)], ref=_swish, name='swish_2d_beta'),
    Case(F.silu, [uniform(3, 4, low=-3, high=3)], ref=lambda x: x * _sigmoid(x)),
    Case(F.gelu, [uniform(3, 4, low=-3, high=3)],
         ref=lambda x: 0.5 * x * (1 + _erf(x / numpy.sqrt(2.0)))),
    Case(F.softmax, [uniform(3, 4, low=-2, high=2)], ref=_softmax),
    Case(F.softmax, [uniform(2, 3, 4)], attrs=dict(axis=-1), ref=_softmax,
         name='softmax_last_axis'),
    Case(F.softmax, [uniform(3, 2)], attrs=dict(axis=0), ref=_softmax, name='softmax_axis0'),
    Case(F.softmax, [const([[1000.0, 999.0, -1000.0]])], ref=_softmax,
         dtypes=(numpy.float32, numpy.float64), name='softmax_large'),
    Case(F.log_softmax, [uniform(3, 4, low=-2, high=2)], ref=_log_softmax),
    Case(F.log_softmax, [uniform(2, 3, 2)], attrs=dict(axis=2), ref=_log_softmax,
         name='log_softmax_axis2'),
    Case(F.log_softmax, [const([[1000.0, 0.0, -1000.0]])], dtypes=(numpy.float64,),
         ref=lambda x, axis=1: x - 1000.0 - numpy.log1p(numpy.exp(-1000.0) + numpy.exp(-2e3)),
         name='log_softmax_large'),
    Case(F.maxout, [uniform(2, 6)], attrs=dict(pool_size=3), ref=_maxout),
    Case(F.maxout, [uniform(2, 4, 3)], attrs=dict(pool_size=2, axis=1), ref=_maxout,
         name='maxout_3d'),
    Case(F.maxout, [uniform(2, 3, 4)], attrs=dict(pool_size=2, axis=2), ref=_maxout,
         name='maxout_last_axis'),
]

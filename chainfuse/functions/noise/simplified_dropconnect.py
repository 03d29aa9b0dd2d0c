import numpy

from chainfuse import random as cf_random
from chainfuse.core.variable import Variable
from chainfuse.functions.noise.dropout import device_name
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import random as random_ops
from chainfuse.ops.registry import OpTypeError


def simplified_dropconnect(x, W, b=None, ratio=.5, train=True, mask=None,
                           use_batchwise_mask=True):
    """A linear layer whose weights are dropped (DropConnect, Wan et al.): each weight is
    kept with probability ``1 - ratio`` and scaled by ``1 / (1 - ratio)``; with
    `use_batchwise_mask` every example gets its own mask (batch, out, in).  ``train=False``
    (Chainer's argument here) means ratio 0.  `mask` (bool) replaces the drawn one.

    ``y[n] = (W * scale * mask[n]) x[n] + b`` as one batched product."""
    ratio = float(ratio) if train else 0.0
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f'simplified_dropconnect: ratio must be in [0, 1), got {ratio}')
    batch = x.shape[0]
    in_size = int(numpy.prod(x.shape[1:], dtype=numpy.int64))
    if W.ndim != 2 or W.shape[1] != in_size:
        raise OpTypeError('simplified_dropconnect', f'W must be (out, {in_size}) for x of '
                                                    f'shape {tuple(x.shape)}, got '
                                                    f'{tuple(W.shape)}')
    shape = (batch,) + tuple(W.shape) if use_batchwise_mask else tuple(W.shape)
    if mask is None:
        u = random_ops.uniform(cf_random.next_key(), shape=shape,
                               dtype=numpy.dtype(numpy.float32), device=device_name(x))
        mask = E.greater_equal(u, ratio)
    else:
        mask = mask.array if isinstance(mask, Variable) else mask
        if tuple(mask.shape) != shape:
            raise OpTypeError('simplified_dropconnect', f'mask must have shape {shape}, got '
                                                        f'{tuple(mask.shape)}')
    keep = E.astype(mask, dtype=W.dtype)
    weights = E.mul(E.mul(W, 1.0 / (1.0 - ratio)), keep)
    if not use_batchwise_mask:
        weights = A.broadcast_to(A.reshape(weights, shape=(1,) + tuple(W.shape)),
                                 shape=(batch,) + tuple(W.shape))
    flat = A.reshape(x, shape=(batch, in_size, 1))
    y = A.reshape(linalg.matmul(weights, flat), shape=(batch, W.shape[0]))
    return y if b is None else E.add(y, b)

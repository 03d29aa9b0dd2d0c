from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def _prod(shape):
    n = 1
    for s in shape:
        n *= int(s)
    return n


def linear(x, W, b=None, n_batch_axes=1):
    """``y = x W^T + b`` for x (batch..., in), W (out, in), b (out,).

    The first `n_batch_axes` axes of x are batch axes and the rest are flattened into
    the input features, as in Chainer: x (N, C, H, W) with one batch axis is read as
    (N, C * H * W).  The output has shape ``x.shape[:n_batch_axes] + (out,)``.  One GEMM
    (``matmul(x, W, transb=True)``), then a broadcast add of b.
    """
    n_batch_axes = int(n_batch_axes)
    if n_batch_axes < 1:
        raise ValueError(f'linear: n_batch_axes must be positive, got {n_batch_axes}')
    if x.ndim <= n_batch_axes or W.ndim != 2:
        raise OpTypeError('linear', f'x must have more than n_batch_axes={n_batch_axes} axes '
                                    f'and W must be 2-D, got x {tuple(x.shape)} and W '
                                    f'{tuple(W.shape)}')
    batch = tuple(x.shape[:n_batch_axes])
    features = _prod(x.shape[n_batch_axes:])
    if features != W.shape[1]:
        raise OpTypeError('linear', f'x of shape {tuple(x.shape)} has {features} features '
                                    f'but W of shape {tuple(W.shape)} expects {W.shape[1]}')
    if x.ndim != 2:
        x = A.reshape(x, shape=(_prod(batch), features))
    y = linalg.matmul(x, W, transb=True)
    if b is not None:
        if tuple(b.shape) != (W.shape[0],):
            raise OpTypeError('linear', f'b must have shape ({W.shape[0]},), got '
                                        f'{tuple(b.shape)}')
        y = E.add(y, b)
    if len(batch) > 1:
        y = A.reshape(y, shape=batch + (W.shape[0],))
    return y

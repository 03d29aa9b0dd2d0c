from chainfuse.functions._util import prod
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def bilinear(e1, e2, W, V1=None, V2=None, b=None):
    """Bilinear function ``y_l = e1^T W[:, :, l] e2 + V1^T e1 + V2^T e2 + b`` per example:
    e1 (N, J) and e2 (N, K) (flattened after the batch axis), W (J, K, L), V1 (J, L),
    V2 (K, L), b (L,); V1, V2 and b are given all together or not at all."""
    linear = (V1, V2, b)
    if any(v is None for v in linear) and not all(v is None for v in linear):
        raise ValueError('bilinear: V1, V2 and b must be given all together or not at all')
    n = e1.shape[0]
    e1 = A.reshape(e1, shape=(n, prod(e1.shape[1:])))
    e2 = A.reshape(e2, shape=(n, prod(e2.shape[1:])))
    if W.ndim != 3 or tuple(W.shape[:2]) != (e1.shape[1], e2.shape[1]):
        raise OpTypeError('bilinear', f'W must be ({e1.shape[1]}, {e2.shape[1]}, L) for e1 '
                                      f'{tuple(e1.shape)} and e2 {tuple(e2.shape)}, got '
                                      f'{tuple(W.shape)}')
    y = linalg.einsum(e1, e2, W, subscripts='nj,nk,jkl->nl')
    if V1 is None:
        return y
    y = E.add(y, linalg.matmul(e1, V1))
    y = E.add(y, linalg.matmul(e2, V2))
    return E.add(y, b)

"""Matrix products with numpy.matmul semantics (batched over leading axes, broadcast)."""
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R
from chainfuse.ops.registry import OpTypeError


def matmul(a, b, transa=False, transb=False):
    """``op(a) @ op(b)`` where op transposes the last two axes when transa/transb is set.

    As numpy.matmul: 2-D and higher operands are (batched) matrices; a 1-D operand is a
    vector (its trans flag is ignored) and the axis it adds is dropped from the result.
    """
    if a.ndim == 0 or b.ndim == 0:
        raise OpTypeError('matmul', f'operands must have ndim >= 1, got shapes '
                                    f'{tuple(a.shape)} and {tuple(b.shape)}')
    if a.ndim == 1 and b.ndim == 1:
        if a.shape != b.shape:
            raise OpTypeError('matmul', f'vectors of shapes {tuple(a.shape)} and '
                                        f'{tuple(b.shape)} have different lengths')
        return R.sum(E.mul(a, b))
    if a.ndim == 1:
        y = linalg.matmul(A.reshape(a, shape=(1, a.shape[0])), b, transb=bool(transb))
        return A.reshape(y, shape=tuple(y.shape[:-2]) + (y.shape[-1],))
    if b.ndim == 1:
        y = linalg.matmul(a, A.reshape(b, shape=(b.shape[0], 1)), transa=bool(transa))
        return A.reshape(y, shape=tuple(y.shape[:-1]))
    return linalg.matmul(a, b, transa=bool(transa), transb=bool(transb))


def batch_matmul(a, b, transa=False, transb=False):
    """Batched matrix product of a (B, N, M) and b (B, M, K), as Chainer's (deprecated)
    batch_matmul: axes after the second are flattened, so (B, N) is read as (B, N, 1)."""
    if a.ndim < 2 or b.ndim < 2:
        raise OpTypeError('batch_matmul', f'operands must have ndim >= 2, got shapes '
                                          f'{tuple(a.shape)} and {tuple(b.shape)}')
    a = A.reshape(a, shape=A.resolve_shape(tuple(a.shape[:2]) + (-1,), a.size, 'batch_matmul'))
    b = A.reshape(b, shape=A.resolve_shape(tuple(b.shape[:2]) + (-1,), b.size, 'batch_matmul'))
    return linalg.matmul(a, b, transa=bool(transa), transb=bool(transb))

"""Matrix products.  `matmul` follows numpy.matmul (batched over leading axes, with
broadcasting), with optional transposition of the last two axes of either operand."""
from chainfuse.ops.registry import (
    Aval, LINALG, OpTypeError, broadcast_shapes, defop, expect_float, same_dtype)


def _swap(shape):
    return shape[:-2] + (shape[-1], shape[-2])


def _matmul_infer(a, b, transa=False, transb=False):
    dtype = same_dtype('matmul', a, b)
    expect_float('matmul', a)
    if a.ndim < 2 or b.ndim < 2:
        raise OpTypeError('matmul', f'operands must have ndim >= 2, got shapes {a.shape} '
                                    f'and {b.shape}')
    sa = _swap(a.shape) if transa else a.shape
    sb = _swap(b.shape) if transb else b.shape
    if sa[-1] != sb[-2]:
        raise OpTypeError('matmul', f'inner dimensions differ: {sa} @ {sb} '
                                    f'(transa={transa}, transb={transb})')
    batch = broadcast_shapes('matmul', sa[:-2], sb[:-2])
    return Aval(batch + (sa[-2], sb[-1]), dtype)


def _t(xp, x, trans):
    return x.swapaxes(-1, -2) if trans else x


def _matmul_impl(xp, a, b, transa=False, transb=False, out=None):
    """``out``: an array of the result's shape and dtype to write into (plans pass one).

    A product of matrices over an inner dimension of 1 (the weight gradient of a batch
    of one, ``gy^T x``) is an outer product: numpy's matmul hands it to BLAS's gemm with
    k = 1, which is several times slower than the rank-1 update ``dot`` makes of it
    (every element is one product either way, so the results are identical)."""
    a, b = _t(xp, a, transa), _t(xp, b, transb)
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] == 1:
        return xp.dot(a, b, out=out)
    return xp.matmul(a, b, out=out)


def _matmul_vjp(ctx, gy):
    from chainfuse.ops.elementwise import _unbroadcast
    a, b = ctx.inputs
    ta, tb = ctx.attrs['transa'], ctx.attrs['transb']
    ga = gb = None
    if ctx.needs_grad(0):
        # y = A' B' with A' = op(a): dA' = gy B'^T
        ga = matmul(b, gy, transa=tb, transb=True) if ta else \
            matmul(gy, b, transa=False, transb=not tb)
        ga = _unbroadcast(ga, ctx.in_avals[0])
    if ctx.needs_grad(1):
        # dB' = A'^T gy
        gb = matmul(gy, a, transa=True, transb=ta) if tb else \
            matmul(a, gy, transa=not ta, transb=False)
        gb = _unbroadcast(gb, ctx.in_avals[1])
    return ga, gb


matmul = defop('matmul', kind=LINALG, impl=_matmul_impl, infer=_matmul_infer, vjp=_matmul_vjp,
               attrs=dict(transa=False, transb=False), writes_out=True,
               doc='matmul(a, b, transa=False, transb=False)')

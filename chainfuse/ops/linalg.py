"""Linear algebra.  `matmul` follows numpy.matmul (batched over leading axes, with
broadcasting), with optional transposition of the last two axes of either operand;
`inv`, `det` (batched over leading axes) and `cholesky`; `einsum` with explicit letters,
whose gradient for each operand is again an einsum."""
import numpy

from chainfuse.ops.registry import (
    REQUIRED, Aval, LINALG, OpTypeError, broadcast_shapes, defop, expect_float, same_dtype)


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


# ---- inverse, determinant, Cholesky factor (of the last two axes) ----

def _lapack(fn):
    """An impl through xp.linalg, which has no float16: that is computed in float32."""
    def impl(xp, a):
        work = a.astype(numpy.float32) if a.dtype == numpy.float16 else a
        return xp.asarray(fn(xp, work)).astype(a.dtype, copy=False)
    return impl


def _square_infer(name, out_matrix=True):
    def infer(a):
        expect_float(name, a)
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise OpTypeError(name, f'needs square matrices in the last two axes, got shape '
                                    f'{a.shape}')
        return a if out_matrix else Aval(a.shape[:-2], a.dtype)
    return infer


def _inv_vjp(ctx, gy):
    y = ctx.out_vars[0]
    # d(A^-1) = -A^-1 dA A^-1, so gA = -A^-T gy A^-T
    return (-matmul(matmul(y, gy, transa=True), y, transb=True),)


inv = defop('inv', kind=LINALG, impl=_lapack(lambda xp, a: xp.linalg.inv(a)),
            infer=_square_infer('inv'), vjp=_inv_vjp, retain_outputs=(0,),
            doc='inv(a): the inverse of each square matrix in the last two axes')


def _det_vjp(ctx, gy):
    from chainfuse.ops.array import reshape, transpose
    a, = ctx.inputs
    y = ctx.out_vars[0]
    shape = ctx.in_avals[0].shape
    scale = reshape(gy * y, shape=shape[:-2] + (1, 1))
    axes = tuple(range(len(shape) - 2)) + (len(shape) - 1, len(shape) - 2)
    return (scale * transpose(inv(a), axes=axes),)     # d det(A) = det(A) tr(A^-1 dA)


det = defop('det', kind=LINALG, impl=_lapack(lambda xp, a: xp.linalg.det(a)),
            infer=_square_infer('det', False),
            vjp=_det_vjp, retain_outputs=(0,),
            doc='det(a): the determinant of each square matrix in the last two axes')


def _cholesky_vjp(ctx, gy):
    from chainfuse.ops.array import transpose
    y = ctx.out_vars[0]
    n = ctx.in_avals[0].shape[-1]
    mask = (numpy.tri(n) - 0.5 * numpy.eye(n)).astype(ctx.in_avals[0].dtype)
    y_inv = inv(y)
    phi = matmul(y, gy, transa=True) * y.xp.asarray(mask)
    s = matmul(matmul(y_inv, phi, transa=True), y_inv)
    return ((s + transpose(s, axes=(1, 0))) * 0.5,)   # symmetric, as Chainer's


def _cholesky_infer(a):
    _square_infer('cholesky')(a)
    if a.ndim != 2:
        raise OpTypeError('cholesky', f'needs one square matrix, got shape {a.shape}')
    return a


cholesky = defop('cholesky', kind=LINALG,
                 impl=_lapack(lambda xp, a: xp.linalg.cholesky(a)),
                 infer=_cholesky_infer, vjp=_cholesky_vjp, retain_outputs=(0,),
                 doc='cholesky(a): the lower-triangular L with L L^T = a (a symmetric '
                     'positive definite); the gradient is symmetrized, as in Chainer')


# ---- einsum ----

def parse_einsum(subscripts, n):
    """``'ij,jk->ik'`` -> (['ij', 'jk'], 'ik'); explicit output and letters only."""
    if '->' not in subscripts:
        raise OpTypeError('einsum', f'subscripts must be explicit (with "->"), got '
                                    f'{subscripts!r}')
    ins, out = subscripts.split('->')
    ins = ins.split(',')
    if len(ins) != n:
        raise OpTypeError('einsum', f'{subscripts!r} names {len(ins)} operands, got {n}')
    for s in ins + [out]:
        if not all(c.isalpha() for c in s):
            raise OpTypeError('einsum', f'subscripts must be letters, got {subscripts!r}')
    return ins, out


def _einsum_infer(*ops, subscripts):
    ins, out = parse_einsum(subscripts, len(ops))
    sizes = {}
    for s, a in zip(ins, ops):
        expect_float('einsum', a)
        if len(s) != a.ndim:
            raise OpTypeError('einsum', f'{s!r} has {len(s)} letters for an operand of shape '
                                        f'{a.shape}')
        for c, n in zip(s, a.shape):
            if sizes.setdefault(c, n) != n:
                raise OpTypeError('einsum', f'letter {c!r} has sizes {sizes[c]} and {n} in '
                                            f'{subscripts!r}')
    if len(set(out)) != len(out) or any(c not in sizes for c in out):
        raise OpTypeError('einsum', f'output {out!r} must name each input letter at most once')
    dtype = same_dtype('einsum', *ops)
    return Aval(tuple(sizes[c] for c in out), dtype)


def _einsum_impl(xp, *ops, subscripts):
    return xp.asarray(xp.einsum(subscripts, *ops, optimize=len(ops) > 2))


def _fresh(used):
    import string
    for c in string.ascii_letters:
        if c not in used:
            used.add(c)
            return c
    raise OpTypeError('einsum', 'ran out of letters for the gradient')  # pragma: no cover


def _einsum_grad(ctx, gy, i, ins, out):
    """The gradient of operand i: an einsum of gy and the other operands, then the
    letters only operand i has are broadcast back and repeated letters (diagonals) are
    put back on the diagonal."""
    xp = gy.xp
    dtype = ctx.in_avals[i].dtype
    sizes = {c: n for s, a in zip(ins, ctx.in_avals) for c, n in zip(s, a.shape)}
    mine = ins[i]
    elsewhere = set(out).union(*[set(s) for k, s in enumerate(ins) if k != i])
    unique = ''.join(dict.fromkeys(mine))
    reach = ''.join(c for c in unique if c in elsewhere)
    subs = ','.join([out] + [s for k, s in enumerate(ins) if k != i]) + '->' + reach
    g = einsum(gy, *[x for k, x in enumerate(ctx.inputs) if k != i], subscripts=subs)
    used = set(''.join(ins) + out)
    extra_subs, extra_ops, target = [], [], []
    seen = set()
    for c in mine:
        if c in seen:                      # a repeated letter: a diagonal
            d = _fresh(used)
            extra_subs.append(c + d)
            extra_ops.append(xp.asarray(numpy.eye(sizes[c], dtype=dtype)))
            target.append(d)
            continue
        seen.add(c)
        target.append(c)
        if c not in elsewhere:             # summed inside this operand alone
            extra_subs.append(c)
            extra_ops.append(xp.ones((sizes[c],), dtype=dtype))
    if not extra_subs and reach == mine:
        return g
    subs = ','.join([reach] + extra_subs) + '->' + ''.join(target)
    return einsum(g, *extra_ops, subscripts=subs)


def _einsum_vjp(ctx, gy):
    ins, out = parse_einsum(ctx.attrs['subscripts'], len(ctx.in_avals))
    return tuple(_einsum_grad(ctx, gy, i, ins, out) if ctx.needs_grad(i) else None
                 for i in range(len(ins)))


einsum = defop('einsum', kind=LINALG, impl=_einsum_impl, infer=_einsum_infer,
               vjp=_einsum_vjp, attrs=dict(subscripts=REQUIRED),
               doc="einsum(*operands, subscripts='ij,jk->ik'): explicit letters only "
                   '(F.einsum expands "..." and implicit outputs)')


# ---- symmetric eigendecomposition ----

def _eigh_infer(a):
    _square_infer('eigh')(a)
    return Aval(a.shape[:-1], a.dtype), a


def _eigh_impl(xp, a):
    work = a.astype(numpy.float32) if a.dtype == numpy.float16 else a
    w, v = xp.linalg.eigh(work)
    return w.astype(a.dtype, copy=False), v.astype(a.dtype, copy=False)


def _eigh_vjp(ctx, gw, gv):
    """For A = V diag(w) V^T (symmetric A): gA = V (diag(gw) + F * (V^T gV)) V^T,
    F_ij = 1 / (w_j - w_i) off the diagonal, symmetrized (the lower triangle is what
    eigh reads, so only the symmetric part of gA is meaningful)."""
    from chainfuse.ops.array import reshape, transpose
    from chainfuse.ops.elementwise import add, div, mul, where
    w, v = ctx.out_vars
    shape = ctx.in_avals[0].shape
    n = shape[-1]
    batch = shape[:-2]
    swap = tuple(range(len(batch))) + (len(batch) + 1, len(batch))
    inner = None
    if gv is not None:
        eye = v.xp.asarray(numpy.eye(n, dtype=bool))
        diff = add(reshape(w, shape=batch + (1, n)), mul(reshape(w, shape=batch + (n, 1)), -1.0))
        safe = where(eye, 1.0, diff)
        f = where(eye, 0.0, div(1.0, safe))
        inner = mul(f, matmul(v, gv, transa=True))
    if gw is not None:
        diag = v.xp.asarray(numpy.eye(n, dtype=ctx.in_avals[0].dtype))
        term = mul(reshape(gw, shape=batch + (1, n)), diag)
        inner = term if inner is None else add(inner, term)
    ga = matmul(matmul(v, inner), v, transb=True)
    return ((ga + transpose(ga, axes=swap)) * 0.5,)


eigh = defop('eigh', kind=LINALG, impl=_eigh_impl, infer=_eigh_infer, vjp=_eigh_vjp,
             n_outputs=2, retain_outputs=(0, 1),
             doc='eigh(a) -> (w, v): eigenvalues (ascending) and eigenvectors of the '
                 'symmetric matrices in the last two axes')

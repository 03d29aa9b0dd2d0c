"""Rows for the matrix product (chainfuse/ops/linalg.py)."""
import numpy

from chainfuse.ops import linalg as L
from chainfuse.testing import Case, uniform

EYE3 = 3.0 * numpy.eye(3)


def _matmul(a, b, transa=False, transb=False):
    if transa:
        a = numpy.swapaxes(a, -1, -2)
    if transb:
        b = numpy.swapaxes(b, -1, -2)
    return numpy.matmul(a, b)


CASES = [
    Case('matmul', [uniform(3, 4), uniform(4, 2)], ref=_matmul),
    Case('matmul', [uniform(4, 3), uniform(4, 2)], attrs=dict(transa=True), ref=_matmul,
         name='matmul_transa'),
    Case('matmul', [uniform(3, 4), uniform(2, 4)], attrs=dict(transb=True), ref=_matmul,
         name='matmul_transb'),
    Case('matmul', [uniform(4, 3), uniform(2, 4)], attrs=dict(transa=True, transb=True),
         ref=_matmul, name='matmul_transab'),
    Case('matmul', [uniform(2, 3, 4), uniform(2, 4, 2)], ref=_matmul, name='matmul_batched'),
    Case('matmul', [uniform(2, 4, 3), uniform(2, 2, 4)], attrs=dict(transa=True, transb=True),
         ref=_matmul, name='matmul_batched_trans'),
    Case('matmul', [uniform(2, 3, 4), uniform(4, 2)], ref=_matmul, name='matmul_bcast_2d'),
    Case('matmul', [uniform(3, 2), uniform(2, 2, 3)], ref=_matmul, name='matmul_bcast_2d_left'),
    Case('matmul', [uniform(2, 1, 2, 3), uniform(3, 3, 2)], ref=_matmul,
         name='matmul_bcast_batch'),
    Case('matmul', [uniform(1, 3, 2), uniform(2, 2, 3)], attrs=dict(transa=True, transb=True),
         ref=_matmul, name='matmul_bcast_batch_trans'),
    # an inner dimension of 1 is an outer product (the weight gradient of a batch of one),
    # which the impl computes with dot: same values, in eager, traced and compiled runs
    Case('matmul', [uniform(1, 5), uniform(1, 3)], attrs=dict(transa=True), ref=_matmul,
         name='matmul_outer_transa'),
    Case('matmul', [uniform(4, 1), uniform(1, 6)], ref=_matmul, name='matmul_outer'),
    Case(lambda a: L.inv(a + EYE3.astype(a.dtype)), [uniform(3, 3)],
         ref=lambda a: numpy.linalg.inv(a + EYE3),
         name='inv', covers='inv'),
    Case(lambda a: L.inv(a + EYE3.astype(a.dtype)), [uniform(2, 3, 3)],
         ref=lambda a: numpy.linalg.inv(a + EYE3), name='inv_batched'),
    Case('det', [uniform(3, 3)], ref=numpy.linalg.det),
    Case('det', [uniform(2, 3, 3)], ref=numpy.linalg.det, name='det_batched'),
    Case(lambda a: L.cholesky(L.matmul(a, a, transb=True) + EYE3.astype(a.dtype)), [uniform(3, 3)],
         ref=lambda a: numpy.linalg.cholesky(a @ a.T + EYE3), name='cholesky',
         covers='cholesky'),
    Case('einsum', [uniform(3, 4), uniform(4, 2)], attrs=dict(subscripts='ij,jk->ik'),
         ref=lambda a, b, subscripts: numpy.einsum(subscripts, a, b)),
    Case('einsum', [uniform(3, 3, 2)], attrs=dict(subscripts='iij->j'),
         ref=lambda a, subscripts: numpy.einsum(subscripts, a), name='einsum_diagonal'),
    Case('einsum', [uniform(2, 3), uniform(4), uniform(2, 4)],
         attrs=dict(subscripts='ij,k,ik->ij'),
         ref=lambda a, b, c, subscripts: numpy.einsum(subscripts, a, b, c),
         name='einsum_three'),
    Case('einsum', [uniform(2, 3)], attrs=dict(subscripts='ij->'),
         ref=lambda a, subscripts: numpy.einsum(subscripts, a), name='einsum_sum_all'),
    # eigh: eigenvalues, and eigenvectors through a sign-invariant function of them
    Case(lambda a: _eigh_invariants(L, a), [uniform(2, 3, 3)],
         ref=lambda a: _eigh_invariants(None, a), name='eigh', covers='eigh',
         dtypes=(numpy.float32, numpy.float64)),
]


def _eigh_invariants(ops, a):
    if ops is None:
        sym = (a + numpy.swapaxes(a, -1, -2)) / 2
        w, v = numpy.linalg.eigh(sym)
        return w, v * v[..., :1, :]
    sym = (a + ops_transpose(a)) * 0.5
    w, v = ops.eigh(sym)
    return w, v * v[:, :1, :]


def ops_transpose(a):
    from chainfuse.ops import array as A
    return A.transpose(a, axes=(0, 2, 1))

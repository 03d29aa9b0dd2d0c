"""Sparse matrices in COO format (``chainer.utils.CooMatrix``, ``to_coo``).

Entries are ``data[k]`` at ``(row[k], col[k])``; padding entries have row and column
-1 and data 0, so a batch of matrices with different numbers of non-zeros can share
one (batch, ldnz) layout.  ``data`` is a Variable, so a function taking a CooMatrix
(``F.sparse_matmul``) can propagate gradients to it.
"""
import numpy

from chainfuse import backend


class CooMatrix:
    """A sparse matrix (or a batch of them, with 2-d data/row/col) in COO format.

    `order` says whether the entries are sorted by row ('C'), by column ('F') or
    neither ('other'); None: found from `row` and `col`.
    """

    def __init__(self, data, row, col, shape, order=None, requires_grad=False):
        from chainfuse.core.variable import Variable
        if not 1 <= data.ndim <= 2:
            raise ValueError(f'CooMatrix: data must be 1-d (a matrix) or 2-d (a batch), '
                             f'got {data.ndim}-d')
        if not data.ndim == row.ndim == col.ndim:
            raise ValueError(f'CooMatrix: data, row and col must have the same ndim, got '
                             f'{data.ndim}, {row.ndim} and {col.ndim}')
        if len(shape) != 2 or not (shape[0] > 0 and shape[1] > 0):
            raise ValueError(f'CooMatrix: shape must be two positive sizes, got {shape}')
        if order not in ('C', 'F', 'other', None):
            raise ValueError(f"CooMatrix: order must be 'C', 'F', 'other' or None, got "
                             f'{order!r}')
        self.data = Variable(data, requires_grad=requires_grad)
        self.row = row
        self.col = col
        self.shape = tuple(shape)
        self.order = get_order(row, col) if order is None else order

    def to_dense(self):
        """The dense array (batch, rows, cols) or (rows, cols); repeated entries add up."""
        data = self.data.array
        shape = self.shape if data.ndim == 1 else (data.shape[0],) + self.shape
        xp = backend.get_array_module(data)
        dense = xp.zeros(shape, dtype=data.dtype)
        if data.size == 0:
            return dense
        if xp is numpy:
            add_at = numpy.add.at
        else:  # pragma: no cover - needs CuPy
            import cupyx
            add_at = cupyx.scatter_add
        if data.ndim == 1:
            _add_entries(add_at, dense, self.row, self.col, data)
        else:
            for i in range(data.shape[0]):
                _add_entries(add_at, dense[i], self.row[i], self.col[i], data[i])
        return dense


def _add_entries(add_at, dense, row, col, data):
    mask = (row >= 0) & (col >= 0)
    add_at(dense, (row[mask], col[mask]), data[mask])


def to_coo(x, ldnz=None, requires_grad=False):
    """The CooMatrix of a dense 2-d array (or a batch: 3-d), with room for at least
    `ldnz` entries per matrix."""
    xp = backend.get_array_module(x)
    if x.ndim == 2:
        rows, cols = xp.where(x != 0)
        nnz = len(rows)
        ldnz = nnz if ldnz is None or ldnz < nnz else ldnz
        data = xp.zeros(ldnz, dtype=x.dtype)
        row = xp.full(ldnz, -1, dtype=numpy.int32)
        col = xp.full(ldnz, -1, dtype=numpy.int32)
        data[:nnz] = x[rows, cols]
        row[:nnz] = rows
        col[:nnz] = cols
        return CooMatrix(data, row, col, x.shape, requires_grad=requires_grad)
    if x.ndim == 3:
        if ldnz is None:
            ldnz = max([int((m != 0).sum()) for m in x] + [0])
        parts = [to_coo(m, ldnz) for m in x]
        data = xp.stack([p.data.array for p in parts])
        row = xp.stack([p.row for p in parts])
        col = xp.stack([p.col for p in parts])
        return CooMatrix(data, row, col, x.shape[1:], requires_grad=requires_grad)
    raise ValueError(f'to_coo: x must be 2-d (a matrix) or 3-d (a batch), got {x.ndim}-d')


def get_order(row, col):
    """'C' if the entries are sorted by row (then column), 'F' if by column (then row),
    else 'other'."""
    if _sorted_by(row, col):
        return 'C'
    if _sorted_by(col, row):
        return 'F'
    return 'other'


def _sorted_by(major, minor):
    if major.shape != minor.shape:
        raise ValueError(f'row and col must have the same shape, got {major.shape} and '
                         f'{minor.shape}')
    if major.ndim != 1:
        return all(_sorted_by(a, b) for a, b in zip(major, minor))
    if ((major < 0) != (minor < 0)).any():
        return False            # an entry with only one of its indices -1
    keep = major >= 0           # padding entries (-1, -1) do not count
    major, minor = major[keep], minor[keep]
    if major.size <= 1:
        return True
    d_major = major[1:] - major[:-1]
    d_minor = minor[1:] - minor[:-1]
    return bool((d_major >= 0).all() and ((d_major > 0) | (d_minor >= 0)).all())

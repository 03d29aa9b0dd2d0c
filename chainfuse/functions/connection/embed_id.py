from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def _take(W, x):
    return A.take(W, x, axis=0)


def embed_id(x, W, ignore_label=None):
    """Rows of W (n_vocab, n_units) picked by the integer IDs x: ``W[x]``.

    The output has shape ``x.shape + (n_units,)``.  IDs equal to `ignore_label` give zero
    vectors (and no gradient): they are looked up as row 0, and the rows are multiplied
    by a 0/1 keep mask.  Any other ID outside ``[0, n_vocab)`` raises a ValueError
    (negative IDs do not count from the end).
    """
    if x.dtype.kind not in 'iu':
        raise OpTypeError('embed_id', f'x must be an integer array of IDs, got '
                                      f'{x.dtype.name}')
    if W.ndim != 2:
        raise OpTypeError('embed_id', f'W must be 2-D (n_vocab, n_units), got shape '
                                      f'{tuple(W.shape)}')
    ignore = None if ignore_label is None else int(ignore_label)
    x = A.check_index(x, size=int(W.shape[0]), ignore=ignore, fn='embed_id', what='id',
                      of='rows of W (n_vocab)')
    if ignore_label is None:
        return _take(W, x)
    keep = E.not_equal(x, int(ignore_label))
    rows = _take(W, E.mul(x, E.astype(keep, dtype=x.dtype)))
    mask = A.reshape(E.astype(keep, dtype=W.dtype), shape=tuple(x.shape) + (1,))
    return E.mul(rows, mask)

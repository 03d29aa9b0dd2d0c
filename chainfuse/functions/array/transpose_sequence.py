from chainfuse.ops import array as A


def transpose_sequence(xs):
    """Turns a batch of sequences into a sequence of batches: xs are arrays (T_i, ...)
    sorted by non-increasing length; the result is a tuple of max(T_i) arrays, the t-th
    stacking ``x[t]`` of every sequence longer than t."""
    xs = list(xs)
    if not xs:
        return ()
    lengths = [x.shape[0] for x in xs]
    if any(a < b for a, b in zip(lengths, lengths[1:])):
        raise ValueError(f'transpose_sequence: sequences must be sorted by non-increasing '
                         f'length, got lengths {lengths}')
    ys = []
    for t in range(lengths[0]):
        rows = [A.getitem(x, key=(A.Slice(t, t + 1, None),)) for x in xs if x.shape[0] > t]
        ys.append(rows[0] if len(rows) == 1 else A.concat(*rows, axis=0))
    return tuple(ys)

from chainfuse.ops import array as A
from chainfuse.ops.registry import OpTypeError


def pad_sequence(xs, length=None, padding=0):
    """Stacks arrays of different first-axis lengths into one (len(xs), length, ...) array,
    padding each at the end with `padding` (length defaults to the longest)."""
    xs = list(xs)
    if not xs:
        raise ValueError('pad_sequence: xs must hold at least one array')
    longest = max(x.shape[0] for x in xs)
    length = longest if length is None else int(length)
    if length < longest:
        raise ValueError(f'pad_sequence: length {length} is shorter than the longest '
                         f'sequence ({longest})')
    tail = tuple(xs[0].shape[1:])
    rows = []
    for i, x in enumerate(xs):
        if tuple(x.shape[1:]) != tail:
            raise OpTypeError('pad_sequence', f'sequence {i} has shape {tuple(x.shape)}; all '
                                              f'must share the trailing shape {tail}')
        widths = ((0, length - x.shape[0]),) + ((0, 0),) * len(tail)
        if length != x.shape[0]:
            x = A.pad(x, pad_width=widths, constant_values=padding)
        rows.append(A.reshape(x, shape=(1, length) + tail))
    return A.concat(*rows, axis=0)

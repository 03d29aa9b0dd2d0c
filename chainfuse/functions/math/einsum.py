import string

from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def _expand(subscripts, shapes):
    """Makes the subscripts explicit: '...' becomes letters (right-aligned over the
    operands' extra axes) and an implicit output lists the letters used once, sorted."""
    subscripts = subscripts.replace(' ', '')
    if '->' in subscripts:
        ins, out = subscripts.split('->')
    else:
        ins, out = subscripts, None
    ins = ins.split(',')
    if len(ins) != len(shapes):
        raise OpTypeError('einsum', f'{subscripts!r} names {len(ins)} operands, got '
                                    f'{len(shapes)}')
    letters = set(''.join(ins).replace('.', ''))
    free = [c for c in string.ascii_letters if c not in letters]
    n_ell = max([len(shape) - len(s.replace('...', '')) for s, shape in zip(ins, shapes)
                 if '...' in s] + [0])
    ell = ''.join(free[:n_ell])
    expanded = []
    for s, shape in zip(ins, shapes):
        if '...' in s:
            k = len(shape) - len(s.replace('...', ''))
            s = s.replace('...', ell[n_ell - k:] if k else '')
        expanded.append(s)
    if out is None:
        counts = {}
        for c in ''.join(expanded):
            counts[c] = counts.get(c, 0) + 1
        out = ell + ''.join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace('...', ell)
    return ','.join(expanded) + '->' + out


def einsum(*operands):
    """Einstein summation, ``einsum('ij,jk->ik', a, b)``, as numpy.einsum (explicit or
    implicit output, '...').  One ``einsum`` op; the gradient of each operand is another
    einsum (with diagonals and axes summed inside one operand put back)."""
    if not operands or not isinstance(operands[0], str):
        raise TypeError('einsum: the first argument must be the subscripts string')
    subscripts, arrays = operands[0], operands[1:]
    explicit = _expand(subscripts, [tuple(a.shape) for a in arrays])
    return linalg.einsum(*arrays, subscripts=explicit)

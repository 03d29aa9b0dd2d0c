"""Orthogonal initializer (Saxe et al.): the weight, flattened to (out, in * kernel), has
orthonormal rows (or columns, when it has more rows than columns), times `scale`."""
import numpy

from chainfuse.initializers.initializer import Initializer, get_rng

# mode -> (the rows must be an orthonormal embedding, the columns a projection): which
# of ``in > out`` / ``in < out`` is an error, as in Chainer
_CONSTRAINTS = {
    'auto': (False, False),
    'projection': (False, True),
    'embedding': (True, False),
    'basis': (True, True),
}


def _randint2(rng):
    return int(rng.integers(2) if hasattr(rng, 'integers') else rng.randint(2))


class Orthogonal(Initializer):
    """A random (semi-)orthogonal matrix from the QR decomposition of a Gaussian one.

    Draws the Gaussian as Chainer does (shape ``(out, in)``, QR of its transpose when
    ``in > out``, the signs of R's diagonal folded into Q), so the same generator state
    gives Chainer's matrix.  `mode` asserts the shape: ``'auto'`` accepts any,
    ``'projection'`` needs ``in >= out``... as Chainer words it: ``'embedding'`` fails
    when ``in > out``, ``'projection'`` when ``in < out``, ``'basis'`` unless square.
    A 0-dimensional array gets ``+-scale``.
    """

    def __init__(self, scale=1.1, dtype=None, mode='auto', rng=None):
        if mode not in _CONSTRAINTS:
            shown = ', '.join(repr(m) for m in _CONSTRAINTS)
            raise ValueError(f'Orthogonal: invalid mode {mode!r}; choose from {shown}')
        super().__init__(dtype)
        self.scale = scale
        self.mode = mode
        self.rng = rng

    def generate(self, shape, dtype):
        rng = get_rng(self.rng)
        if len(shape) == 0:
            return numpy.asarray(self.scale * (2 * _randint2(rng) - 1), dtype=numpy.float64)
        out_dim = shape[0]
        in_dim = int(numpy.prod(shape[1:], dtype=numpy.int64))
        if out_dim * in_dim == 0:
            raise ValueError(f'Orthogonal: the array to initialize must be non-empty, got '
                             f'shape {shape}')
        embedding, projection = _CONSTRAINTS[self.mode]
        if (in_dim > out_dim and embedding) or (in_dim < out_dim and projection):
            raise ValueError(f'Orthogonal: cannot make an orthogonal {self.mode} of shape '
                             f'{shape} ({in_dim}-dim input, {out_dim}-dim output); use '
                             "mode='auto' or another shape")
        transpose = in_dim > out_dim
        a = numpy.asarray(rng.normal(size=(out_dim, in_dim)))
        if transpose:
            a = a.T
        q, r = numpy.linalg.qr(a)
        q *= numpy.copysign(self.scale, numpy.diag(r))
        if transpose:
            q = q.T
        return q.reshape(shape)

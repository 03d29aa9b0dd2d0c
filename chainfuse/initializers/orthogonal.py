"""Orthogonal initializer (Saxe et al.): the weight, flattened to (out, in * kernel), has
orthonormal rows (or columns, when it has more rows than columns), times `scale`."""
import numpy

from chainfuse.initializers.initializer import Initializer, get_rng


class Orthogonal(Initializer):
    """A random (semi-)orthogonal matrix from the QR decomposition of a Gaussian one."""

    def __init__(self, scale=1.1, dtype=None, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def generate(self, shape, dtype):
        if len(shape) == 0:
            raise ValueError('Orthogonal: a 0-dimensional array cannot be orthogonal')
        rows = shape[0]
        cols = int(numpy.prod(shape[1:], dtype=numpy.int64)) if len(shape) > 1 else 1
        a = get_rng(self.rng).normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
        q, r = numpy.linalg.qr(a)
        q = q * numpy.sign(numpy.diag(r))  # makes the draw uniform over orthogonal matrices
        if rows < cols:
            q = q.T
        return self.scale * q.reshape(shape)

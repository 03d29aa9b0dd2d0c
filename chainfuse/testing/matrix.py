"""``testing.generate_matrix``: random matrices with given singular values."""
import numpy


def generate_matrix(shape, dtype=float, *, singular_values=None):
    """A random array of `shape` ``(..., M, N)`` whose matrices have the singular values
    `singular_values` (broadcast to ``(..., min(M, N))``), drawn from numpy's global
    generator: well- or ill-conditioned inputs on purpose."""
    if len(shape) <= 1:
        raise ValueError(f'generate_matrix: shape {shape} has too few axes for matrices')
    dtype = numpy.dtype(dtype)
    if dtype.kind not in 'fc':
        raise TypeError(f'generate_matrix: dtype {dtype} is not a float or complex dtype')
    if singular_values is None:
        raise TypeError('generate_matrix: singular_values is not given')
    singular_values = numpy.asarray(singular_values)
    if not numpy.isrealobj(singular_values):
        raise TypeError('generate_matrix: singular_values must be real')
    if (singular_values < 0).any():
        raise ValueError('generate_matrix: a singular value is negative')
    if 0 in shape:
        numpy.broadcast_to(singular_values, tuple(shape[:-2]) + (min(shape[-2:]),))
        return numpy.empty(shape, dtype=dtype)
    a = numpy.random.randn(*shape)
    if dtype.kind == 'c':
        a = a + 1j * numpy.random.randn(*shape)
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    a = numpy.einsum('...ik,...k,...kj->...ij', u, numpy.broadcast_to(singular_values, s.shape),
                     vh)
    return a.astype(dtype)

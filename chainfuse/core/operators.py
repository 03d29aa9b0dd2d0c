"""Installs Python operators on Variable: ``+ - * / ** @``, unary ``-``, ``abs``,
comparisons (no gradient) and indexing, all through registry ops."""
from chainfuse.backend import is_array
from chainfuse.core.variable import Variable
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg


def _pow(a, b):
    return E.pow(a, b)


def _rpow(a, b):
    return E.pow(b, a)


def _matmul(a, b):
    return _matmul_any(a, b)


def _matmul_any(a, b):
    a_nd = a.ndim
    b_nd = b.ndim
    if a_nd == 1 and b_nd == 1:
        from chainfuse.ops import reduction
        return reduction.sum(E.mul(a, b))
    if a_nd == 1:
        return A.reshape(linalg.matmul(A.reshape(a, shape=(1, a.shape[0])), b),
                         shape=b.shape[:-2] + (b.shape[-1],))
    if b_nd == 1:
        return A.reshape(linalg.matmul(a, A.reshape(b, shape=(b.shape[0], 1))),
                         shape=a.shape[:-1])
    return linalg.matmul(a, b)


def _getitem(x, key):
    from chainfuse.functions.array.get_item import get_item
    return get_item(x, key)


def _reshape(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return A.reshape(self, shape=A.resolve_shape(shape, self.size))


def _transpose(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    if not axes:
        axes = tuple(range(self.ndim))[::-1]
    return A.transpose(self, axes=tuple(int(a) % self.ndim for a in axes))


def _like(self, o):
    """A raw array operand takes the Variable's dtype, as in Chainer (``h + 0.2 *
    numpy.random.randn(...)`` stays float32); Variables must match as they are."""
    if not isinstance(o, Variable) and is_array(o) and o.dtype != self.dtype:
        return o.astype(self.dtype, copy=False)
    return o


def install():
    V = Variable
    V.__neg__ = lambda self: E.neg(self)
    V.__pos__ = lambda self: self
    V.__abs__ = lambda self: E.absolute(self)
    V.__add__ = lambda self, o: E.add(self, _like(self, o))
    V.__radd__ = lambda self, o: E.add(_like(self, o), self)
    V.__sub__ = lambda self, o: E.sub(self, _like(self, o))
    V.__rsub__ = lambda self, o: E.sub(_like(self, o), self)
    V.__mul__ = lambda self, o: E.mul(self, _like(self, o))
    V.__rmul__ = lambda self, o: E.mul(_like(self, o), self)
    V.__truediv__ = lambda self, o: E.div(self, _like(self, o))
    V.__rtruediv__ = lambda self, o: E.div(_like(self, o), self)
    V.__pow__ = lambda self, o: _pow(self, _like(self, o))
    V.__rpow__ = lambda self, o: _rpow(self, _like(self, o))
    V.__matmul__ = _matmul
    V.__rmatmul__ = lambda self, o: _matmul_any(o, self)
    V.__gt__ = lambda self, o: E.greater(self, o)
    V.__ge__ = lambda self, o: E.greater_equal(self, o)
    V.__lt__ = lambda self, o: E.less(self, o)
    V.__le__ = lambda self, o: E.less_equal(self, o)
    V.__getitem__ = _getitem
    V.reshape = _reshape
    V.transpose = _transpose
    V.T = property(lambda self: _transpose(self))
    # == and != keep identity semantics (Variables are hashable graph nodes, as in Chainer)
    V.__eq__ = object.__eq__
    V.__ne__ = object.__ne__
    V.__hash__ = object.__hash__


"""Checks of input types written as expressions (``chainer.utils.type_check``).

A custom `FunctionNode` checks its inputs in ``check_type_forward(in_types)``::

    def check_type_forward(self, in_types):
        type_check._argname(in_types, ('x', 'W'))
        x_type, w_type = in_types
        type_check.expect(
            x_type.dtype.kind == 'f',
            x_type.ndim == 2,
            x_type.shape[1] == w_type.shape[1],
        )

How it works: ``in_types`` is a `TypeInfoTuple` of `Variable` expressions, one per
input, each holding a `TypeInfo` (shape, dtype, ndim, size) of the array.  Attribute
access, indexing, calls and arithmetic on an expression build a bigger expression
(`GetAttr`, `GetItem`, `Call`, `BinaryOperator`...) instead of computing; a comparison
builds a `BoolBinaryOperator`, which is `Testable`.  `expect` evaluates each test and,
for the first that fails, raises `InvalidType` with the expression as written
(``Expect: x.shape[1] == W.shape[1]``) and the values it compared
(``Actual: 3 != 4``), prefixed by the function's label.  So a check reads like the
condition it states, and its error says which condition failed with which numbers.

``FunctionNode.apply`` calls ``check_type_forward`` (when ``config.type_check`` is on
and the class overrides it) through `check_function`.  In `light_mode` the checks
get plain values (arrays) instead of expressions and `expect` only tests truth.
An expression must not be used as a bool (``a == b and c == d`` would silently test
only ``c == d``): that raises a RuntimeError that says to use `expect` or `eval`.
"""
import contextlib
import operator
import threading

import numpy

from chainfuse import backend

_local = threading.local()


class InvalidType(Exception):
    """The inputs of a function have types its check does not accept.

    ``expect`` is the failed condition as written, ``actual`` the values it compared.
    """

    def __init__(self, expect, actual, msg=None):
        if msg is None:
            msg = f'Expect: {expect}\nActual: {actual}'
            function = getattr(_local, 'current_function', None)
            if function is not None:
                msg = f'\nInvalid operation is performed in: {function.label} (Forward)\n{msg}'
        super().__init__(msg)
        self.expect = expect
        self.actual = actual

    def __reduce__(self):
        return (InvalidType, (self.expect, self.actual, self.args[0]))


@contextlib.contextmanager
def get_function_check_context(function):
    """Within this block an `InvalidType` names `function` (its ``label``)."""
    old = getattr(_local, 'current_function', None)
    _local.current_function = function
    try:
        yield
    finally:
        _local.current_function = old


class TypeInfo:
    """Shape and dtype of one array (the same on CPU and GPU)."""

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.ndim = len(self.shape)

    @property
    def size(self):
        size = 1
        for n in self.shape:
            size *= n
        return size


class TypeInfoTuple(tuple):
    """The `Variable` expressions of a function's inputs; ``size()`` is an expression
    of their number."""

    name = 'in_types'

    def size(self):
        return Variable(len(self), f'{self.name}.size')


class LightTypeInfoTuple(tuple):
    """The inputs themselves, in `light_mode`; ``size()`` is their number."""

    def size(self):
        return len(self)


def get_types(data, name, accept_none, *, shapes=None):
    """The `TypeInfoTuple` of the arrays `data` (None allowed if `accept_none`)."""
    if not isinstance(data, tuple):
        raise TypeError(f'get_types: data must be a tuple of arrays, got {type(data).__name__}')
    if shapes is None:
        shapes = tuple(None if x is None else x.shape for x in data)
    info = TypeInfoTuple(_type_of(name, i, x, accept_none, shape)
                         for i, (x, shape) in enumerate(zip(data, shapes)))
    info.name = name
    return info


def get_light_types(data, *, shapes=None):
    """The `LightTypeInfoTuple` of `data` (`TypeInfo` objects where `shapes` are given)."""
    if shapes is not None:
        data = tuple(TypeInfo(shape, x.dtype) for x, shape in zip(data, shapes))
    return LightTypeInfoTuple(data)


def _type_of(name, index, array, accept_none, shape):
    label = f'{name}[{index}]'
    if array is None and accept_none:
        return Variable(TypeInfo((), None), label)
    if not backend.is_array(array):
        raise InvalidType(f'isinstance({label}, ndarray)', f'type({label}) == {type(array)}')
    return Variable(TypeInfo(shape, array.dtype), label)


# ---- expressions ----

def _eval(value):
    if isinstance(value, Expr):
        return value.eval()
    if isinstance(value, list):
        return [_eval(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_eval(v) for v in value)
    return value


def _repr(value):
    if isinstance(value, Expr):
        return str(value)
    if isinstance(value, list):
        return '[' + ', '.join(_repr(v) for v in value) + ']'
    if isinstance(value, tuple):
        if len(value) == 1:
            return f'({_repr(value[0])},)'
        return '(' + ', '.join(_repr(v) for v in value) + ')'
    return repr(value)


class Expr:
    """A node of an expression tree: a condition or a value still to be computed.

    ``eval()`` computes it; ``str()`` prints it as written.  Operators on an Expr build
    larger Exprs (the module docstring).  ``priority`` is Python's operator precedence,
    used to print parentheses only where they are needed.
    """

    def __init__(self, priority):
        self.priority = priority

    def eval(self):
        raise NotImplementedError

    def __getattr__(self, name):
        if name.startswith('__'):           # copy, pickle and friends probe these
            raise AttributeError(name)
        return GetAttr(self, name)

    def __getitem__(self, key):
        return GetItem(self, key)

    def __call__(self, *args):
        return Call(self, args)

    def __bool__(self):
        raise RuntimeError(
            'an Expr of chainfuse.utils.type_check cannot be used as a bool (with `and`, '
            '`or`, `if`...): pass each condition to type_check.expect(...), or compute a '
            'value with type_check.eval(expr)')

    __hash__ = object.__hash__


def _binary(symbol, priority, func, right_associative=False):
    def build(x, y):
        return BinaryOperator(priority, x, y, symbol, func, right_associative)
    return build


def _flipped(build):
    return lambda x, y: build(y, x)


def _compare(symbol, inverse, func):
    def build(x, y):
        return BoolBinaryOperator(x, y, symbol, inverse, func)
    return build


def _unary(symbol, func):
    def build(x):
        return UnaryOperator(6, x, symbol, func)
    return build


# precedence as in Python's grammar: | 0, ^ 1, & 2, shifts 3, + - 4, * / // % 5,
# unary 6, ** 7, atoms 8 (comparisons -1)
_BINARY = [
    ('add', '+', 4, operator.add), ('sub', '-', 4, operator.sub),
    ('mul', '*', 5, operator.mul), ('truediv', '/', 5, operator.truediv),
    ('floordiv', '//', 5, operator.floordiv), ('mod', '%', 5, operator.mod),
    ('lshift', '<<', 3, operator.lshift), ('rshift', '>>', 3, operator.rshift),
    ('and', '&', 2, operator.and_), ('xor', '^', 1, operator.xor), ('or', '|', 0, operator.or_),
]
for _name, _symbol, _priority, _func in _BINARY:
    setattr(Expr, f'__{_name}__', _binary(_symbol, _priority, _func))
    setattr(Expr, f'__r{_name}__', _flipped(_binary(_symbol, _priority, _func)))
Expr.__pow__ = _binary('**', 7, operator.pow, right_associative=True)
Expr.__rpow__ = _flipped(Expr.__pow__)
for _name, _symbol, _inverse, _func in [
        ('eq', '==', '!=', operator.eq), ('ne', '!=', '==', operator.ne),
        ('lt', '<', '>=', operator.lt), ('le', '<=', '>', operator.le),
        ('gt', '>', '<=', operator.gt), ('ge', '>=', '<', operator.ge)]:
    setattr(Expr, f'__{_name}__', _compare(_symbol, _inverse, _func))
Expr.__neg__ = _unary('-', operator.neg)
Expr.__pos__ = _unary('+', operator.pos)
Expr.__invert__ = _unary('~', operator.invert)


class Atom(Expr):
    """An expression that prints without parentheses (a name, a constant, x.a, x[i], f(x))."""

    def __init__(self):
        super().__init__(8)


class Constant(Atom):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def __str__(self):
        return _repr(self.value)

    def eval(self):
        return self.value


class Variable(Atom):
    """A named value: an input's `TypeInfo` (``in_types[0]``) or any other value."""

    def __init__(self, value, name):
        super().__init__()
        self.value = value
        self.name = name

    def __str__(self):
        return self.name

    def eval(self):
        return self.value


class GetAttr(Atom):
    def __init__(self, obj, name):
        super().__init__()
        self.obj = obj
        self.name = name

    def __str__(self):
        name = self.name.value if isinstance(self.name, Constant) else self.name
        if isinstance(name, str):
            return f'{_repr(self.obj)}.{name}'
        return f'getattr({_repr(self.obj)}, {_repr(self.name)})'

    def eval(self):
        return getattr(_eval(self.obj), _eval(self.name))


def _subscript(key):
    if key is Ellipsis:
        return '...'
    if isinstance(key, slice):
        parts = ['' if v is None else _repr(v) for v in (key.start, key.stop)]
        if key.step is not None:
            parts.append(_repr(key.step))
        return ':'.join(parts)
    if isinstance(key, tuple):
        return ', '.join(_subscript(k) for k in key)
    return _repr(key)


class GetItem(Atom):
    def __init__(self, obj, key):
        super().__init__()
        self.obj = obj
        self.key = key

    def __str__(self):
        return f'{_repr(self.obj)}[{_subscript(self.key)}]'

    def eval(self):
        return _eval(self.obj)[_eval(self.key)]


class Call(Atom):
    def __init__(self, obj, args):
        super().__init__()
        self.obj = obj
        self.args = tuple(args)

    def __str__(self):
        return f'{_repr(self.obj)}({", ".join(_repr(a) for a in self.args)})'

    def eval(self):
        return _eval(self.obj)(*[_eval(a) for a in self.args])


class UnaryOperator(Expr):
    def __init__(self, priority, term, exp, func):
        super().__init__(priority)
        self.term = term
        self.exp = exp
        self.func = func

    def eval(self):
        return self.func(_eval(self.term))

    def __str__(self):
        text = _repr(self.term)
        if isinstance(self.term, Expr) and self.term.priority < self.priority:
            text = f'({text})'
        return self.exp + text


class BinaryOperator(Expr):
    def __init__(self, priority, lhs, rhs, exp, func, right_associative=False):
        super().__init__(priority)
        self.lhs = lhs
        self.rhs = rhs
        self.exp = exp
        self.func = func
        self.right_associative = right_associative

    def eval(self):
        return self.func(_eval(self.lhs), _eval(self.rhs))

    def __str__(self):
        # a side of the same precedence needs parentheses on the side the operator
        # does not associate to: (a - b) - c prints as a - b - c, a - (b - c) keeps them
        left, right = _repr(self.lhs), _repr(self.rhs)
        if isinstance(self.lhs, Expr) and (
                self.lhs.priority < self.priority
                or (self.right_associative and self.lhs.priority == self.priority)):
            left = f'({left})'
        if isinstance(self.rhs, Expr) and (
                self.rhs.priority < self.priority
                or (not self.right_associative and self.rhs.priority == self.priority)):
            right = f'({right})'
        return f'{left} {self.exp} {right}'


class Testable:
    """A condition `expect` can test."""

    def expect(self):
        raise NotImplementedError


class BoolBinaryOperator(BinaryOperator, Testable):
    """A comparison; ``expect()`` raises `InvalidType` when it does not hold."""

    def __init__(self, lhs, rhs, exp, inv, func):
        BinaryOperator.__init__(self, -1, lhs, rhs, exp, func)
        self.inv = inv

    def expect(self):
        left, right = _eval(self.lhs), _eval(self.rhs)
        if not self.func(left, right):
            raise InvalidType(f'{self.lhs} {self.exp} {self.rhs}',
                              f'{left} {self.inv} {right}')


# ---- what check_type_forward calls ----

def _argname(in_types, names):
    """Names the inputs (``x``, ``W``) for the error messages; checks their number."""
    if len(in_types) != len(names):
        raise InvalidType(f'{len(names)} argument(s)', f'{len(in_types)} argument(s)',
                          f'Invalid number of arguments: expected {len(names)} '
                          f'({", ".join(names)}), got {len(in_types)}')
    for in_type, name in zip(in_types, names):
        if isinstance(in_type, Variable):
            in_type.name = name


def expect(*bool_exprs):
    """Tests each condition in order; the first that fails raises `InvalidType`."""
    if in_light_mode():
        if not all(bool_exprs):
            raise InvalidType('', '')
        return
    for expr in bool_exprs:
        if not isinstance(expr, Testable):
            raise TypeError(f'type_check.expect takes comparisons of type_check expressions '
                            f'(such as x_type.ndim == 2), got {type(expr).__name__} '
                            f'{expr!r}')
        expr.expect()


def same_types(*arrays):
    """Whether all `arrays` are numpy arrays, or all are cupy arrays."""
    if all(isinstance(x, numpy.ndarray) for x in arrays):
        return True
    return all(backend.is_cupy_array(x) for x in arrays)


def eval(exp):  # noqa: A001 - Chainer's name
    """The value of `exp` (in light mode, `exp` itself)."""
    return exp if in_light_mode() else exp.eval()


def make_variable(value, name):
    """`value` as a named expression (in light mode, `value` itself)."""
    return value if in_light_mode() else Variable(value, name)


def _prod_impl(xs):
    result = 1
    for x in xs:
        result *= x
    return result


_prod = Variable(_prod_impl, 'prod')


def prod(xs):
    """The product of `xs` (an expression of it, outside light mode)."""
    return _prod_impl(xs) if in_light_mode() else _prod(xs)


def expect_broadcast_shapes(*shape_types):
    """Raises `InvalidType` unless the shapes broadcast together."""
    shapes = [eval(s) for s in shape_types]
    try:
        numpy.broadcast_shapes(*shapes)
    except ValueError:
        lines = ['cannot broadcast inputs of the following shapes:']
        lines += [f'{t} = {s}' for t, s in zip(shape_types, shapes)]
        raise InvalidType('', '', msg='\n'.join(lines)) from None


class LightMode:
    """Within ``with light_mode:`` checks see plain values and `expect` tests truth only."""

    def __enter__(self):
        _local.light_mode = True

    def __exit__(self, *exc):
        _local.light_mode = False


light_mode = LightMode()


def in_light_mode():
    return getattr(_local, 'light_mode', False)


def check_function(function, check, in_data):
    """Runs ``check(in_types)`` (a ``check_type_forward``) on the arrays `in_data`, with
    errors naming `function`."""
    in_types = get_light_types(in_data) if in_light_mode() \
        else get_types(in_data, 'in_types', False)
    with get_function_check_context(function):
        check(in_types)

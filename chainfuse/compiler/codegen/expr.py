"""Printing elementwise ``expr`` templates as CPU (Numba) or CUDA source.

An op's ``expr`` (see `chainfuse.ops.elementwise`) is parsed with Python's `ast` after
its ``{i}`` placeholders are replaced by argument names, then printed by a target
`Printer`: operators here, calls by the per-target templates of
`chainfuse.ops.elementwise.CALLS`.  Number literals are printed with the op's dtype
(``numpy.float32(0.5)`` on the CPU, ``((float)0.5)`` in CUDA), so a float32 kernel stays
float32.
"""
import ast

import numpy

from chainfuse.compiler.codegen import cpu_math
from chainfuse.ops.elementwise import CALLS

_BINOPS = {ast.Add: '+', ast.Sub: '-', ast.Mult: '*', ast.Div: '/'}
_CMPOPS = {ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>=', ast.Eq: '==', ast.NotEq: '!='}

CUDA_TYPES = {'float16': 'float16', 'float32': 'float', 'float64': 'double', 'bool': 'bool',
              'int8': 'signed char', 'int16': 'short', 'int32': 'int', 'int64': 'long long',
              'uint8': 'unsigned char', 'uint16': 'unsigned short', 'uint32': 'unsigned int',
              'uint64': 'unsigned long long'}


class ExprError(ValueError):
    pass


def parse(expr, args):
    """Parses a template with its ``{i}`` replaced by the names in `args`."""
    text = expr.format(*args)
    try:
        return ast.parse(text, mode='eval').body
    except SyntaxError as e:
        raise ExprError(f'cannot parse elementwise expr {expr!r}: {e}') from None


class Printer:
    """Base printer: subclasses give the spelling of literals, calls and conditionals."""

    def __init__(self, dtype, out_dtype):
        self.dtype = numpy.dtype(dtype)        # dtype of literals (the op's float dtype)
        self.out_dtype = numpy.dtype(out_dtype)

    def print(self, node):
        method = getattr(self, '_' + type(node).__name__, None)
        if method is None:
            raise ExprError(f'unsupported syntax in elementwise expr: {ast.dump(node)}')
        return method(node)

    def _Name(self, node):
        return node.id

    def _Constant(self, node):
        if isinstance(node.value, bool):
            return self.bool_literal(node.value)
        return self.literal(node.value)

    def _UnaryOp(self, node):
        if isinstance(node.op, ast.USub):
            return f'(-{self.print(node.operand)})'
        if isinstance(node.op, ast.Not):
            return self.logical_not(self.print(node.operand))
        raise ExprError(f'unsupported unary operator {type(node.op).__name__}')

    def _BinOp(self, node):
        sym = _BINOPS.get(type(node.op))
        if sym is None:
            raise ExprError(f'unsupported binary operator {type(node.op).__name__}')
        return f'({self.print(node.left)} {sym} {self.print(node.right)})'

    def _Compare(self, node):
        if len(node.ops) != 1:
            raise ExprError('chained comparisons are not supported in exprs')
        sym = _CMPOPS[type(node.ops[0])]
        return f'({self.print(node.left)} {sym} {self.print(node.comparators[0])})'

    def _Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in CALLS:
            raise ExprError(f'unknown function {name!r} in elementwise expr; '
                            f'known: {", ".join(CALLS)}')
        args = [self.print(a) for a in node.args]
        return self.call(name, args)

    def call(self, name, args):
        """A call of the expr vocabulary, spelled by its template for this target."""
        template = CALLS[name][self.target]
        fields = {'zero': lambda: self.literal(0), 'one': lambda: self.literal(1),
                  'type': lambda: self.type_name(self.dtype),
                  'out': lambda: self.type_name(self.out_dtype)}
        return template.format(*args, **{k: f() for k, f in fields.items()
                                         if '{' + k + '}' in template})


class NumbaPrinter(Printer):
    """Python source for a Numba-compiled loop body."""

    target = 'numba'

    def literal(self, value):
        return f'numpy.{self.dtype.name}({value!r})'

    def bool_literal(self, value):
        return repr(value)

    def logical_not(self, x):
        return f'(not {x})'

    def type_name(self, dtype):
        return f'numpy.{dtype.name}'

    def call(self, name, args):
        # a codegen choice, not a fact of the op: float32 tanh as numpy computes it, in
        # arithmetic LLVM vectorizes (chainfuse.compiler.codegen.cpu_math)
        if name == 'tanh' and self.dtype == numpy.float32:
            function = cpu_math.tanh_f32_function()
            if function is not None:
                return f'{function}({args[0]})'
        return super().call(name, args)


class CudaPrinter(Printer):
    """C++ source for the ``operation`` of a ``cupy.ElementwiseKernel``."""

    target = 'cuda'

    def literal(self, value):
        return f'(({CUDA_TYPES[self.dtype.name]}){value!r})'

    def bool_literal(self, value):
        return 'true' if value else 'false'

    def logical_not(self, x):
        return f'(!{x})'

    def type_name(self, dtype):
        return CUDA_TYPES[dtype.name]


def literal_dtype(in_avals, out_aval):
    """The dtype literals of an op are printed in: its float input dtype, else its output's."""
    for a in in_avals:
        if a.dtype.kind == 'f':
            return a.dtype
    return out_aval.dtype


def print_expr(printer_cls, op, args, in_avals, out_aval):
    printer = printer_cls(literal_dtype(in_avals, out_aval), out_aval.dtype)
    return printer.print(parse(op.expr, args))

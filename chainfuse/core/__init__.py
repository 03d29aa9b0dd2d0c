"""Eager autograd: Variable, Parameter, FunctionNode.apply, backward."""
from chainfuse.core.variable import Variable, Parameter, as_variable, as_array  # noqa: F401
from chainfuse.core.function_node import FunctionNode, OpNode, apply_op  # noqa: F401
from chainfuse.core.backprop import grad  # noqa: F401
from chainfuse.core import operators as _operators

_operators.install()

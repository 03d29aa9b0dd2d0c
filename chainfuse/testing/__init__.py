"""Test helpers: the op/function table harness and `assert_allclose`.

A table file (``tests/ops/table_<category>.py`` or ``tests/functions/table_<category>.py``)
defines ``CASES``, a list of `Case` rows::

    CASES = [
        Case('exp', [uniform(3, 4)], ref=numpy.exp),
        Case(F.relu, [uniform(3, 4)], ref=lambda x: numpy.maximum(x, 0)),
    ]

`load_tables` gathers them; for each row `run_forward` checks values against the float64
reference for every dtype, plus output types, shapes and dtypes and gradient shapes;
`check_case_backward` and `check_case_double_backward` check gradients against numerical
ones (`chainfuse.gradient_check`).  `missing_ops` / `missing_functions` list what no
row covers.
"""
from chainfuse.testing.arrays import assert_allclose  # noqa: F401
from chainfuse.testing.case import Case, FLOAT_DTYPES, FORWARD_TOL, GRAD_TOL  # noqa: F401
from chainfuse.testing.collect import (  # noqa: F401
    forward_params, function_names, grad_params, load_tables, missing_functions, missing_ops)
from chainfuse.testing.runner import (  # noqa: F401
    check_case_backward, check_case_double_backward, make_inputs, run_case, run_forward)
from chainfuse.testing.specs import (  # noqa: F401
    Spec, bools, const, ints, nonzero, positive, uniform)

__all__ = [
    'Case', 'uniform', 'positive', 'nonzero', 'ints', 'bools', 'const', 'Spec',
    'run_case', 'run_forward', 'check_case_backward', 'check_case_double_backward',
    'make_inputs', 'assert_allclose', 'load_tables', 'forward_params', 'grad_params',
    'missing_ops', 'missing_functions', 'function_names', 'FLOAT_DTYPES', 'FORWARD_TOL',
    'GRAD_TOL',
]

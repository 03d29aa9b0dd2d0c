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

Chainer's ``chainer.testing`` API is here too, for tests written against Chainer:
`parameterize`/`product`/`product_dict`, `attr` (gpu, slow...), `condition` (retry,
repeat), `fix_random`, `inject_backend_tests`/`BackendConfig`, `with_requires`,
`assert_warns`, `save_and_load_npz`, `get_trainer_with_mock_updater`...
"""
from chainfuse.testing.arrays import assert_allclose  # noqa: F401
from chainfuse.testing.case import Case, FLOAT_DTYPES, FORWARD_TOL, GRAD_TOL  # noqa: F401
from chainfuse.testing.collect import (  # noqa: F401
    forward_params, function_names, grad_params, load_tables, missing_functions, missing_ops)
from chainfuse.testing.runner import (  # noqa: F401
    check_case_backward, check_case_double_backward, make_inputs, run_case, run_forward)
from chainfuse.testing.specs import (  # noqa: F401
    Spec, bools, const, ints, nonzero, positive, uniform)

# ---- Chainer's chainer.testing API ----
from chainfuse.testing import attr, condition  # noqa: F401,E402
from chainfuse.testing.backend import BackendConfig, inject_backend_tests  # noqa: F401,E402
from chainfuse.testing.function_link import (  # noqa: F401,E402
    FunctionTestCase, FunctionTestError, InitializerArgument, LinkTestCase, LinkTestError)
from chainfuse.testing.helper import (  # noqa: F401,E402
    assert_warns, patch, with_requires, without_requires)
from chainfuse.testing.matrix import generate_matrix  # noqa: F401,E402
from chainfuse.testing.parameterized import (  # noqa: F401,E402
    from_pytest_parameterize, parameterize, parameterize_pytest, product, product_dict)
from chainfuse.testing.random import fix_random, generate_seed  # noqa: F401,E402
from chainfuse.testing.serializer import (  # noqa: F401,E402
    save_and_load, save_and_load_hdf5, save_and_load_npz)
from chainfuse.testing.training import get_trainer_with_mock_updater  # noqa: F401,E402
from chainfuse.testing.unary_math_function_test import (  # noqa: F401,E402
    unary_math_function_unittest)


def run_module(name, file):
    """Runs the tests of `file` with pytest when `name` is ``'__main__'`` (Chainer's idiom
    at the end of a test file: ``testing.run_module(__name__, __file__)``)."""
    if name == '__main__':
        import pytest
        pytest.main([file, '-vvs', '-x', '--pdb'])


__all__ = [
    'Case', 'uniform', 'positive', 'nonzero', 'ints', 'bools', 'const', 'Spec',
    'run_case', 'run_forward', 'check_case_backward', 'check_case_double_backward',
    'make_inputs', 'assert_allclose', 'load_tables', 'forward_params', 'grad_params',
    'missing_ops', 'missing_functions', 'function_names', 'FLOAT_DTYPES', 'FORWARD_TOL',
    'GRAD_TOL',
]

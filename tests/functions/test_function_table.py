"""Runs every row of every ``tests/functions/table_*.py`` and checks that each name in
the ``__all__`` of the chainfuse.functions categories has at least one row."""
import pathlib

import pytest

import chainfuse  # noqa: F401
from chainfuse import testing

TABLES = testing.load_tables(pathlib.Path(__file__).parent)
FORWARD = testing.forward_params(TABLES)
BACKWARD = testing.grad_params(TABLES)
DOUBLE = testing.grad_params(TABLES, double=True)


def test_every_table_file_imports():
    broken = '\n'.join(f'--- {name} failed to import:\n{trace}' for name, trace in TABLES.errors)
    assert not TABLES.errors, broken


@pytest.mark.parametrize('case,dtype', [p[1:] for p in FORWARD], ids=[p[0] for p in FORWARD])
def test_forward(case, dtype):
    testing.run_forward(case, dtype)


@pytest.mark.parametrize('case', [p[1] for p in BACKWARD], ids=[p[0] for p in BACKWARD])
def test_backward(case):
    testing.check_case_backward(case)


@pytest.mark.parametrize('case', [p[1] for p in DOUBLE], ids=[p[0] for p in DOUBLE])
def test_double_backward(case):
    testing.check_case_double_backward(case)


def test_every_function_has_a_row():
    missing = testing.missing_functions(TABLES)
    assert not missing, (f'{len(missing)} function(s) of chainfuse.functions have no row in '
                         f'any tests/functions/table_*.py: {", ".join(missing)}')

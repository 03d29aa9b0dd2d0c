"""`assert_allclose` for Variables and numpy/cupy arrays (defined in
`chainfuse.gradient_check`, which needs no test framework)."""
from chainfuse.gradient_check import assert_allclose  # noqa: F401

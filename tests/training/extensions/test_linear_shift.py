import pytest

from chainfuse.training.extensions import LinearShift

from ._shift_check import resumed_values, values


def test_linear_between_the_time_points():
    got = values(lambda: LinearShift('lr', (0.1, 0.5), (1, 3)), 4)
    assert got == pytest.approx([0.1, 0.1, 0.3, 0.5, 0.5])


def test_resume():
    got = resumed_values(lambda: LinearShift('lr', (0.1, 0.5), (1, 3)), 2, 1)
    assert got == pytest.approx([0.3, 0.5])

import pytest

from chainfuse.training.extensions import WarmupShift

from ._shift_check import resumed_values, values


def test_ramps_up_to_the_initial_value():
    got = values(lambda: WarmupShift('lr', 0.0, 4), 5)
    assert got == pytest.approx([0.0, 0.025, 0.05, 0.075, 0.1, 0.1])


def test_other_attribute_and_resume():
    got = values(lambda: WarmupShift('momentum', 0.5, 2, init=0.9), 2, attr='momentum')
    assert got == pytest.approx([0.5, 0.7, 0.9])
    assert resumed_values(lambda: WarmupShift('lr', 0.0, 4, init=0.1), 2, 1) == \
        pytest.approx([0.05, 0.075])

import pytest

from chainfuse.training.extensions import MultistepShift

from ._shift_check import resumed_values, values


def test_multiplies_at_listed_steps():
    got = values(lambda: MultistepShift('lr', 0.5, [2, 4], 0.2), 5)
    assert got == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05, 0.05])


def test_init_from_the_optimizer_and_resume():
    assert values(lambda: MultistepShift('lr', 0.5, [1]), 1) == pytest.approx([0.1, 0.05])
    assert resumed_values(lambda: MultistepShift('lr', 0.5, [2, 4], 0.2), 3, 1) == \
        pytest.approx([0.1, 0.05])

import pytest

from chainfuse.training.extensions import StepShift

from ._shift_check import resumed_values, values


def test_steps_every_step_calls():
    assert values(lambda: StepShift('lr', 0.1, 2), 5) == pytest.approx(
        [0.1, 0.1, 0.01, 0.01, 0.001, 0.001])
    assert values(lambda: StepShift('lr', 0.1, 2, target=0.005), 5)[-1] == pytest.approx(0.005)


def test_resume():
    assert resumed_values(lambda: StepShift('lr', 0.1, 2), 1, 1) == pytest.approx([0.1, 0.01])

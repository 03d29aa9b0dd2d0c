import pytest

from chainfuse.training.extensions import ExponentialShift

from ._shift_check import resumed_values, values


def test_multiplies_each_call():
    assert values(lambda: ExponentialShift('lr', 0.5), 3) == pytest.approx(
        [0.1, 0.05, 0.025, 0.0125])


def test_stops_at_target_both_ways():
    assert values(lambda: ExponentialShift('lr', 0.5, target=0.03), 3) == pytest.approx(
        [0.1, 0.05, 0.03, 0.03])
    assert values(lambda: ExponentialShift('lr', 2, init=0.1, target=0.3), 3) == \
        pytest.approx([0.1, 0.2, 0.3, 0.3])


def test_resume_continues_the_schedule():
    assert resumed_values(lambda: ExponentialShift('lr', 0.5), 2, 1) == pytest.approx(
        [0.025, 0.0125])


def test_negative_rate_is_rejected():
    with pytest.raises(ValueError, match='negative'):
        ExponentialShift('lr', -1)

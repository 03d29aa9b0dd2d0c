import pytest

from chainfuse.training import get_trigger
from chainfuse.training.triggers import IntervalTrigger
from .._helpers import CountingUpdater, fire_points


def test_iteration_interval():
    assert fire_points(IntervalTrigger(3, 'iteration'), CountingUpdater(), 10) == [3, 6, 9]


def test_epoch_interval_with_fractional_epochs():
    # 5 examples in batches of 2: an epoch ends inside iterations 3, 5, 8, 10
    fired = fire_points(IntervalTrigger(1, 'epoch'), CountingUpdater(2.5), 10)
    assert fired == [3, 5, 8, 10]
    fired = fire_points(IntervalTrigger(2, 'epoch'), CountingUpdater(2.5), 10)
    assert fired == [5, 10]


def test_tuple_and_training_length():
    t = get_trigger((4, 'iteration'))
    assert isinstance(t, IntervalTrigger)
    assert t.get_training_length() == (4, 'iteration')
    assert get_trigger(None)(None) is False
    f = lambda trainer: True  # noqa: E731
    assert get_trigger(f) is f


def test_bad_arguments():
    with pytest.raises(ValueError, match="'epoch' or 'iteration'"):
        IntervalTrigger(1, 'epochs')
    with pytest.raises(ValueError, match='positive'):
        IntervalTrigger(0, 'epoch')
    with pytest.raises(TypeError, match='period, unit'):
        get_trigger(5)

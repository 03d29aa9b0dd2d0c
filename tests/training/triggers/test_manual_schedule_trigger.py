from chainfuse.training.triggers import ManualScheduleTrigger
from .._helpers import CountingUpdater, fire_points


def test_iteration_points():
    t = ManualScheduleTrigger([2, 5, 6], 'iteration')
    assert fire_points(t, CountingUpdater(), 5) == [2, 5]
    assert not t.finished
    assert fire_points(t, CountingUpdater(), 8) == [2, 5, 6]
    assert t.finished


def test_epoch_points_fire_when_crossed():
    t = ManualScheduleTrigger([1, 2.5], 'epoch')
    # 2.5 iterations per epoch: epoch 1 is crossed at iteration 3, 2.5 at iteration 7
    assert fire_points(t, CountingUpdater(2.5), 10) == [3, 7]


def test_single_point():
    assert fire_points(ManualScheduleTrigger(4, 'iteration'), CountingUpdater(), 6) == [4]

from chainfuse.training.triggers import OnceTrigger
from .._helpers import CountingUpdater, fire_points


def test_fires_once():
    t = OnceTrigger()
    assert fire_points(t, CountingUpdater(), 4) == [1]
    assert t.finished

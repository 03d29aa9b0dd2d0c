from chainfuse.training.triggers import TimeTrigger
from .._helpers import CountingUpdater, fake_trainer


def test_fires_after_each_period():
    t = TimeTrigger(1.0)
    trainer = fake_trainer(CountingUpdater())
    fired = []
    for elapsed in (0.2, 0.9, 1.1, 1.5, 2.05, 2.1, 5.0, 5.1):
        trainer.elapsed_time = elapsed
        fired.append(t(trainer))
    # 5.0 fires once and moves the next time to 3.0; 5.1 then fires again (catching up)
    assert fired == [False, False, True, False, True, False, True, True]

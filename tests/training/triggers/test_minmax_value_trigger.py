from chainfuse.training.triggers import MaxValueTrigger, MinValueTrigger
from .._helpers import CountingUpdater, fake_trainer


def run(trigger, values):
    updater = CountingUpdater()
    trainer = fake_trainer(updater)
    fired = []
    for v in values:
        updater.update()
        trainer.observation = {'v': v}
        fired.append(trigger(trainer))
    return fired


def test_max_fires_on_each_new_maximum():
    t = MaxValueTrigger('v', trigger=(1, 'iteration'))
    assert run(t, [0.5, 0.7, 0.6, 0.8, 0.8]) == [True, True, False, True, False]
    assert t.best_value == 0.8


def test_min_compares_interval_means():
    t = MinValueTrigger('v', trigger=(2, 'iteration'))
    # means over pairs: 0.2, 0.5, 0.1
    assert run(t, [0.1, 0.3, 0.5, 0.5, 0.1, 0.1]) == [False, True, False, False, False, True]


def test_missing_key_never_fires():
    t = MaxValueTrigger('other', trigger=(1, 'iteration'))
    assert run(t, [1.0, 2.0]) == [False, False]

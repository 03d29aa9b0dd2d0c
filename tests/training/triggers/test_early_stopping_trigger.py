import pytest

from chainfuse.training.triggers import EarlyStoppingTrigger
from .._helpers import CountingUpdater, fake_trainer


def first_stop(trigger, values, key='main/loss'):
    updater = CountingUpdater()
    trainer = fake_trainer(updater)
    for v in values:
        updater.update()
        trainer.observation = {key: v}
        if trigger(trainer):
            return updater.iteration
    return None


def test_stops_after_patience_checks_without_improvement():
    t = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), patience=2,
                             max_trigger=(100, 'iteration'))
    assert first_stop(t, [5, 4, 4.5, 4.2, 3, 3.5, 3.6]) == 4


def test_improvement_resets_the_count():
    t = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), patience=2,
                             max_trigger=(100, 'iteration'))
    assert first_stop(t, [5, 6, 4, 6, 3, 7, 8, 9]) == 7


def test_accuracy_is_maximized_and_max_trigger_bounds():
    t = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), monitor='main/accuracy',
                             patience=1, max_trigger=(100, 'iteration'))
    assert first_stop(t, [0.1, 0.2, 0.3, 0.25], key='main/accuracy') == 4
    t = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), patience=10,
                             max_trigger=(3, 'iteration'))
    assert first_stop(t, [1, 1, 1, 1, 1]) == 3
    assert t.get_training_length() == (3, 'iteration')


def test_missing_monitor_warns():
    t = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), monitor='validation/main/loss')
    with pytest.warns(UserWarning, match='validation/main/loss'):
        assert first_stop(t, [1.0], key='main/loss') is None

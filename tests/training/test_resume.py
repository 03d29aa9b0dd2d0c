"""An interrupted run resumed from its snapshot ends with the same parameters, bit for bit,
as the uninterrupted run with the same seed."""
import json

import numpy
import pytest

import chainfuse
import chainfuse.links as L
from chainfuse import optimizers, serializers, training
from chainfuse.iterators import SerialIterator
from chainfuse.training import extensions, triggers

from ._models import MLP, toy_dataset


class Crash(Exception):
    pass


def build(out, crash_at=None, stop=13):
    """A run with stateful pieces everywhere: shuffling, Adam, a schedule, partial log means."""
    chainfuse.set_random_seed(0)
    model = L.Classifier(MLP(n_units=6, n_out=3))
    opt = optimizers.Adam()
    opt.setup(model)
    train_iter = SerialIterator(toy_dataset(20), 6)  # shuffled, epochs end mid-batch
    val_iter = SerialIterator(toy_dataset(10, seed=1), 5, repeat=False, shuffle=False)
    trainer = training.Trainer(training.StandardUpdater(train_iter, opt), (stop, 'iteration'),
                               out=str(out))
    trainer.extend(extensions.Evaluator(val_iter, model), trigger=(3, 'iteration'))
    trainer.extend(extensions.LogReport(trigger=(2, 'iteration')))
    trainer.extend(extensions.ExponentialShift('alpha', 0.8), trigger=(4, 'iteration'))
    trainer.extend(extensions.snapshot(), trigger=(5, 'iteration'))
    trainer.extend(extensions.snapshot_object(model, 'best_model'),
                   trigger=triggers.MinValueTrigger('validation/main/loss',
                                                    (3, 'iteration')))

    def crash(t):
        if t.updater.iteration == crash_at:
            raise Crash()
    trainer.extend(crash, name='crash')
    return trainer, model


def params(model):
    return {name: p.array.copy() for name, p in model.namedparams()}


def without_time(log):
    return [{k: v for k, v in e.items() if k != 'elapsed_time'} for e in log]


@pytest.mark.parametrize('snapshot_at', [5, 10])
def test_resumed_run_matches_the_uninterrupted_one(tmp_path, snapshot_at):
    full, full_model = build(tmp_path / 'full')
    full.run()

    crashed, _ = build(tmp_path / 'crashed', crash_at=snapshot_at + 2)
    with pytest.raises(Crash):
        crashed.run(show_loop_exception_msg=False)

    resumed, resumed_model = build(tmp_path / 'resumed')
    chainfuse.set_random_seed(123)  # the snapshot restores the generator, not the seed
    serializers.load_npz(str(tmp_path / 'crashed' / f'snapshot_iter_{snapshot_at}'), resumed)
    assert resumed.updater.iteration == snapshot_at
    resumed.run()

    expected, got = params(full_model), params(resumed_model)
    assert expected.keys() == got.keys()
    for name in expected:
        assert numpy.array_equal(expected[name], got[name]), name
    assert without_time(resumed.get_extension('LogReport').log) == \
        without_time(full.get_extension('LogReport').log)
    assert resumed.updater.get_optimizer('main').alpha == full.updater.get_optimizer('main').alpha
    with open(tmp_path / 'resumed' / 'log') as f, open(tmp_path / 'full' / 'log') as g:
        assert without_time(json.load(f)) == without_time(json.load(g))


def test_elapsed_time_carries_over(tmp_path):
    crashed, _ = build(tmp_path / 'crashed', crash_at=7)
    with pytest.raises(Crash):
        crashed.run(show_loop_exception_msg=False)
    resumed, _ = build(tmp_path / 'resumed')
    serializers.load_npz(str(tmp_path / 'crashed' / 'snapshot_iter_5'), resumed)
    saved = resumed._snapshot_elapsed_time
    assert saved > 0
    resumed.run()
    assert resumed.elapsed_time >= saved
    log = resumed.get_extension('LogReport').log
    assert all(e['elapsed_time'] >= saved for e in log if e['iteration'] > 5)

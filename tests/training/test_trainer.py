"""Trainer: loop, extension order and names, observation, errors and finalization."""
import pytest

import chainfuse
from chainfuse import training
from chainfuse.training import extension as ext_module

from ._helpers import CountingUpdater


def make_trainer(n=3, unit='iteration', tmp_path=None, **kwargs):
    return training.Trainer(CountingUpdater(**kwargs), (n, unit),
                            out=str(tmp_path or 'result'))


def test_runs_until_the_stop_trigger(tmp_path):
    trainer = make_trainer(5, tmp_path=tmp_path / 'out')
    seen = []
    trainer.extend(lambda t: seen.append(t.updater.iteration), name='spy')
    trainer.run()
    assert seen == [1, 2, 3, 4, 5]
    assert (tmp_path / 'out').is_dir()
    assert trainer.updater.finalized == 1
    with pytest.raises(RuntimeError, match='twice'):
        trainer.run()


def test_default_stop_is_twenty_epochs(tmp_path):
    trainer = training.Trainer(CountingUpdater(iters_per_epoch=2), out=str(tmp_path))
    trainer.run()
    assert trainer.updater.iteration == 40


def test_priority_then_registration_order(tmp_path):
    trainer = make_trainer(1, tmp_path=tmp_path)
    calls = []
    for name, priority in [('r1', None), ('w', ext_module.PRIORITY_WRITER), ('r2', None),
                           ('e', ext_module.PRIORITY_EDITOR), ('s', -100)]:
        trainer.extend(lambda t, name=name: calls.append(name), name=name, priority=priority)
    trainer.run()
    assert calls == ['w', 'e', 'r1', 'r2', 's']


def test_triggers_and_make_extension(tmp_path):
    log = []

    @training.make_extension(trigger=(2, 'iteration'), priority=ext_module.PRIORITY_WRITER,
                             initializer=lambda t: log.append('init'),
                             finalizer=lambda: log.append('final'))
    def every_other(trainer):
        log.append(trainer.updater.iteration)

    trainer = make_trainer(5, tmp_path=tmp_path)
    trainer.extend(every_other)
    trainer.extend(lambda t: log.append('once'), name='once', trigger=(5, 'iteration'))
    trainer.run()
    assert log == ['init', 2, 4, 'once', 'final']
    assert trainer.get_extension('every_other') is every_other


def test_names_are_unique(tmp_path):
    trainer = make_trainer(tmp_path=tmp_path)

    class Ext(training.Extension):
        pass

    a, b, c = Ext(), Ext(), Ext()
    for e in (a, b, c):
        trainer.extend(e)
    assert (a.name, b.name, c.name) == ('Ext', 'Ext_1', 'Ext_2')
    assert trainer.get_extension('Ext_1') is b
    with pytest.raises(ValueError, match='not found'):
        trainer.get_extension('nope')
    with pytest.raises(ValueError, match='reserved'):
        trainer.extend(Ext(), name='training')


def test_observation_is_fresh_each_iteration(tmp_path):
    def report(i):
        chainfuse.reporter.report({'x': i} if i % 2 else {'y': i})

    trainer = make_trainer(4, tmp_path=tmp_path, on_update=report)
    seen = []
    trainer.extend(lambda t: seen.append(dict(t.observation)), name='spy')
    trainer.run()
    assert seen == [{'x': 1}, {'y': 2}, {'x': 3}, {'y': 4}]


def test_observers_are_the_optimizer_targets(tmp_path):
    from ._models import MLP
    model = MLP()
    opt = chainfuse.optimizers.SGD()
    opt.setup(model)

    def report(i):
        chainfuse.reporter.report({'loss': 1.0}, model)
        chainfuse.reporter.report({'norm': 2.0}, model.l1)

    trainer = training.Trainer(CountingUpdater(on_update=report, optimizers={'main': opt}),
                               (1, 'iteration'), out=str(tmp_path))
    trainer.run()
    assert set(trainer.observation) == {'main/loss', 'main/l1/norm'}


class Recorder(training.Extension):
    def __init__(self, log, fail=False):
        self.log, self.fail = log, fail

    def __call__(self, trainer):
        if self.fail and trainer.updater.iteration == 2:
            raise ValueError('boom')

    def on_error(self, trainer, exc, tb):
        self.log.append(('error', self.name, str(exc)))

    def finalize(self):
        self.log.append(('final', self.name))


def test_extension_error_names_it_and_finalizes_all(tmp_path, capsys):
    trainer = make_trainer(5, tmp_path=tmp_path)
    log = []
    trainer.extend(Recorder(log), name='first')
    trainer.extend(Recorder(log, fail=True), name='bad')
    trainer.extend(Recorder(log), name='last')
    with pytest.raises(ValueError, match='boom') as info:
        trainer.run()
    assert "raised by trainer extension 'bad'" in info.value.__notes__[0]
    assert ('error', 'last', 'boom') in log
    assert [e for e in log if e[0] == 'final'] == [('final', 'first'), ('final', 'bad'),
                                                   ('final', 'last')]
    assert trainer.updater.finalized == 1
    assert trainer.updater.iteration == 2
    assert 'Exception in main training loop: boom' in capsys.readouterr().err


def test_updater_error_is_noted(tmp_path):
    def fail(i):
        if i == 3:
            raise ZeroDivisionError('in update')

    trainer = make_trainer(5, tmp_path=tmp_path, on_update=fail)
    with pytest.raises(ZeroDivisionError) as info:
        trainer.run(show_loop_exception_msg=False)
    assert 'updater at iteration 3' in info.value.__notes__[0]


def test_finalize_error_surfaces_after_all_finalizers(tmp_path):
    trainer = make_trainer(1, tmp_path=tmp_path)
    log = []

    class BadFinal(training.Extension):
        def finalize(self):
            raise OSError('cannot close')

    trainer.extend(BadFinal(), name='bad')
    trainer.extend(Recorder(log), name='ok')
    with pytest.raises(OSError, match='cannot close') as info:
        trainer.run()
    assert log == [('final', 'ok')]
    assert "finalize() of trainer extension 'bad'" in info.value.__notes__[0]


def test_elapsed_time(tmp_path):
    trainer = make_trainer(2, tmp_path=tmp_path)
    with pytest.raises(RuntimeError, match='not been started'):
        trainer.elapsed_time
    times = []
    trainer.extend(lambda t: times.append(t.elapsed_time), name='clock')
    trainer.run()
    assert 0 <= times[0] <= times[1] <= trainer.elapsed_time
    assert trainer.elapsed_time == trainer.elapsed_time  # frozen after the run

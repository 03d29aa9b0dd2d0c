from chainfuse import optimizers, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater
from .._models import MLP


def test_observe_value_and_lr(tmp_path):
    opt = optimizers.SGD(lr=0.25)
    opt.setup(MLP())
    trainer = training.Trainer(CountingUpdater(2, optimizers={'main': opt}), (2, 'epoch'),
                               out=str(tmp_path))
    trainer.extend(extensions.observe_lr())
    trainer.extend(extensions.observe_value('it', lambda t: t.updater.iteration))
    trainer.extend(extensions.ExponentialShift('lr', 0.5), trigger=(1, 'epoch'))
    trainer.extend(extensions.LogReport())
    trainer.run()
    log = trainer.get_extension('LogReport').log
    # observers write before the shift (a reader) changes the rate at the same iteration
    assert [(e['lr'], e['it']) for e in log] == [(0.25, 2), (0.125, 4)]

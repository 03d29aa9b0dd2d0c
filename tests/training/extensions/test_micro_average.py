import pytest

from chainfuse import reporter, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater


def test_ratio_of_sums_per_epoch(tmp_path):
    correct = [1, 3, 0, 2]
    total = [2, 4, 1, 5]

    def report(i):
        reporter.report({'main/correct': correct[i - 1], 'main/total': total[i - 1]})

    trainer = training.Trainer(CountingUpdater(2, on_update=report), (2, 'epoch'),
                               out=str(tmp_path))
    trainer.extend(extensions.MicroAverage('main/correct', 'main/total', 'main/accuracy'))
    trainer.extend(extensions.LogReport(keys=['main/accuracy']))
    trainer.run()
    log = trainer.get_extension('LogReport').log
    assert [e['main/accuracy'] for e in log] == pytest.approx([4 / 6, 2 / 6])

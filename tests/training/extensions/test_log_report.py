import json
import os

from chainfuse import reporter, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater


def report_loss(i):
    reporter.report({'main/loss': float(i), 'main/other': 1.0})


def run(tmp_path, n_epochs=3, **kwargs):
    trainer = training.Trainer(CountingUpdater(2, on_update=report_loss), (n_epochs, 'epoch'),
                               out=str(tmp_path))
    log_report = extensions.LogReport(**kwargs)
    trainer.extend(log_report)
    trainer.run()
    return log_report


def test_means_per_epoch_with_counters(tmp_path):
    log = run(tmp_path).log
    assert [e['main/loss'] for e in log] == [1.5, 3.5, 5.5]
    assert [e['epoch'] for e in log] == [1, 2, 3]
    assert [e['iteration'] for e in log] == [2, 4, 6]
    times = [e['elapsed_time'] for e in log]
    assert times == sorted(times) and times[0] >= 0


def test_file_is_the_log_as_json(tmp_path):
    log = run(tmp_path).log
    with open(tmp_path / 'log') as f:
        assert json.load(f) == log
    assert sorted(os.listdir(tmp_path)) == ['log']  # no temporary file left behind


def test_keys_trigger_postprocess_and_filename(tmp_path):
    def add_double(entry):
        entry['double'] = 2 * entry['main/loss']

    log = run(tmp_path, keys=['main/loss'], trigger=(3, 'iteration'), postprocess=add_double,
              filename='log_{iteration}.json').log
    assert [e['main/loss'] for e in log] == [2.0, 5.0]
    assert [e['double'] for e in log] == [4.0, 10.0]
    assert all('main/other' not in e for e in log)
    assert sorted(os.listdir(tmp_path)) == ['log_3.json', 'log_6.json']


def test_no_file(tmp_path):
    assert len(run(tmp_path, filename=None).log) == 3
    assert os.listdir(tmp_path) == []

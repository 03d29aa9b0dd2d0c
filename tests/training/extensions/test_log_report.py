import io
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


def report_compile_totals(i):
    # what a compiled model reports every call: running totals since it was created
    reporter.report({'main/loss': float(i), 'compile/kernels': 10 + 3 * (i >= 3),
                     'compile/retraces': int(i >= 3), 'compile/time': 0.25 * i})


def test_compile_totals_are_last_values_not_means(tmp_path):
    trainer = training.Trainer(CountingUpdater(2, on_update=report_compile_totals),
                               (3, 'epoch'), out=str(tmp_path))
    log_report = extensions.LogReport()
    trainer.extend(log_report)
    trainer.run()
    log = log_report.log
    assert [e['main/loss'] for e in log] == [1.5, 3.5, 5.5]  # other keys are still means
    assert [e['compile/kernels'] for e in log] == [10, 13, 13]
    assert [e['compile/retraces'] for e in log] == [0, 1, 1]
    assert [e['compile/time'] for e in log] == [0.5, 1.0, 1.5]
    assert all(type(e['compile/kernels']) is int for e in log)


def test_compiled_model_columns_print_counts(tmp_path):
    import numpy
    import chainfuse
    import chainfuse.links as L
    rng = numpy.random.default_rng(0)
    data = chainfuse.datasets.TupleDataset(rng.standard_normal((10, 3)).astype('float32'),
                                           rng.integers(0, 2, 10).astype('int32'))
    model = chainfuse.compile(L.Classifier(L.Linear(3, 2)))
    opt = chainfuse.optimizers.SGD()
    opt.setup(model)
    it = chainfuse.iterators.SerialIterator(data, 4)
    trainer = training.Trainer(training.StandardUpdater(it, opt), (2, 'epoch'),
                               out=str(tmp_path))
    log_report = extensions.LogReport()
    trainer.extend(log_report)
    out = io.StringIO()
    trainer.extend(extensions.PrintReport(['epoch', 'compile/kernels', 'compile/retraces'],
                                          out=out))
    trainer.run()
    state = model._chainfuse_compiled
    last = log_report.log[-1]
    assert last['compile/retraces'] == state.cache.retraces
    assert last['compile/kernels'] == state.stats['kernels'] > 0
    assert last['compile/kernels'] == sum(len(p.kernels) for e in state.entries
                                          for p in e.plans)
    rows = out.getvalue().splitlines()[1:]
    assert rows[-1].split()[1:] == [str(last['compile/kernels']),
                                    str(last['compile/retraces'])]

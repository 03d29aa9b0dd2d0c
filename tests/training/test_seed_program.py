"""The seed tutorial's Trainer program runs unchanged (imports aside) on the bundled
digits data, produces its log, graph dump and snapshots, and resumes."""
import json
import os
import runpy
import sys

import pytest

import chainfuse as chainer

PROGRAM = os.path.join(os.path.dirname(__file__), '..', 'data', 'seeds', 'trainer_program.py')


def _run(monkeypatch, argv, program=PROGRAM):
    digits = chainer.datasets.get_digits()
    monkeypatch.setattr(chainer.datasets, 'get_mnist', lambda *a, **k: digits)
    monkeypatch.setattr(sys, 'argv', ['trainer_program.py'] + argv)
    chainer.set_random_seed(0)
    return runpy.run_path(program, run_name='__main__')


def test_seed_trainer_program(tmp_path, monkeypatch, capsys):
    out = str(tmp_path / 'result')
    _run(monkeypatch, ['--epoch', '4', '--unit', '100', '--out', out])
    printed = capsys.readouterr().out
    assert 'main/loss' in printed and 'validation/main/accuracy' in printed
    assert '0-th image: answer =' in printed
    log = json.load(open(os.path.join(out, 'log')))
    assert [e['epoch'] for e in log] == [1, 2, 3, 4]
    assert log[-1]['validation/main/accuracy'] > 0.85
    for name in ('cg.dot', 'mlp.model'):
        assert os.path.exists(os.path.join(out, name)), name
    snapshots = sorted((f for f in os.listdir(out) if f.startswith('snapshot_iter_')),
                       key=lambda f: int(f.rsplit('_', 1)[1]))
    assert len(snapshots) == 4  # one per epoch (1,437 examples, batches of 100)
    # resume from the epoch-2 snapshot and finish: the same final log entry
    out2 = str(tmp_path / 'resumed')
    os.makedirs(out2)
    _run(monkeypatch, ['--epoch', '4', '--unit', '100', '--out', out2,
                       '--resume', os.path.join(out, snapshots[1])])
    log2 = json.load(open(os.path.join(out2, 'log')))
    assert log2[-1]['main/loss'] == pytest.approx(log[-1]['main/loss'], rel=1e-6)


def test_seed_program_with_one_added_compile_line(tmp_path, monkeypatch, capsys):
    source = open(PROGRAM).read()
    line = 'model = MLP(args.unit, 10)\n'
    assert line in source
    compiled_program = tmp_path / 'compiled_program.py'
    compiled_program.write_text(source.replace(line, line + 'model = chainer.compile(model)\n'))
    eager_out, comp_out = str(tmp_path / 'eager'), str(tmp_path / 'compiled')
    _run(monkeypatch, ['--epoch', '3', '--unit', '100', '--out', eager_out])
    ns = _run(monkeypatch, ['--epoch', '3', '--unit', '100', '--out', comp_out],
              str(compiled_program))
    assert ns['model']._chainfuse_compiled.stats['compiled_calls'] > 0
    log_e = json.load(open(os.path.join(eager_out, 'log')))
    log_c = json.load(open(os.path.join(comp_out, 'log')))
    for key in ('main/loss', 'validation/main/accuracy'):
        assert log_c[-1][key] == pytest.approx(log_e[-1][key], rel=1e-4, abs=1e-4)
    assert os.path.exists(os.path.join(comp_out, 'cg.dot'))


@pytest.mark.parametrize('target', ['model', 'classifier_model'])
def test_seed_program_compiled_logs_the_eager_loss_every_iteration(tmp_path, monkeypatch,
                                                                  target):
    source = open(PROGRAM).read()
    per_iteration = source.replace('extensions.LogReport()',
                                   "extensions.LogReport(trigger=(1, 'iteration'))")
    line = 'optimizer.setup(classifier_model)\n'
    assert line in per_iteration
    eager_program, compiled_program = tmp_path / 'eager.py', tmp_path / 'compiled.py'
    eager_program.write_text(per_iteration)
    compiled_program.write_text(per_iteration.replace(
        line, f'chainer.compile({target}, fallback="raise")\n' + line))
    logs = []
    for name, program in (('eager', eager_program), ('compiled', compiled_program)):
        out = str(tmp_path / name)
        _run(monkeypatch, ['--epoch', '2', '--unit', '50', '--out', out], str(program))
        logs.append(json.load(open(os.path.join(out, 'log'))))
    eager, compiled = logs
    assert len(eager) == len(compiled) > 20
    for e, c in zip(eager, compiled):
        for key in ('main/loss', 'main/accuracy'):
            assert c[key] == pytest.approx(e[key], rel=1e-5, abs=1e-6), (e['iteration'], key)

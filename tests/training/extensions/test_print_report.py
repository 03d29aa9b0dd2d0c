import io

from chainfuse import reporter, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(tmp_path, out, entries=('epoch', 'main/loss', 'validation/main/accuracy',
                                 'elapsed_time')):
    def report(i):
        reporter.report({'main/loss': 0.5 / i})

    trainer = training.Trainer(CountingUpdater(1, on_update=report), (2, 'epoch'),
                               out=str(tmp_path))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.PrintReport(None if entries is None else list(entries), out=out))
    trainer.run()
    return trainer.get_extension('LogReport').log


def test_table_format_as_chainer(tmp_path):
    out = io.StringIO()
    log = run(tmp_path, out)
    lines = out.getvalue().split('\n')
    assert lines[0] == ('epoch       main/loss   validation/main/accuracy  elapsed_time')
    t1, t2 = (f'{e["elapsed_time"]:<12g}' for e in log)
    # each cell is '{:<Wg}' plus two spaces, W = max(10, len(key)); a missing key is blank
    assert lines[1] == '1' + ' ' * 11 + '0.5' + ' ' * 9 + ' ' * 26 + t1 + '  '
    assert lines[2] == '2' + ' ' * 11 + '0.25' + ' ' * 8 + ' ' * 26 + t2 + '  '
    assert lines[3:] == ['']
    assert '\033' not in out.getvalue()


def test_terminal_gets_erase_codes(tmp_path):
    out = Terminal()
    run(tmp_path, out)
    assert out.getvalue().count('\033[J') == 2


def test_default_entries(tmp_path):
    out = io.StringIO()
    run(tmp_path, out, entries=None)
    header = out.getvalue().split('\n')[0].split()
    assert header == ['epoch', 'iteration', 'main/loss', 'elapsed_time']

import io
import re

from chainfuse import training
from chainfuse.training import extensions

from .._helpers import CountingUpdater


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(tmp_path, out, stop=(2, 'epoch'), **kwargs):
    trainer = training.Trainer(CountingUpdater(4), stop, out=str(tmp_path))
    trainer.extend(extensions.ProgressBar(update_interval=2, out=out, **kwargs))
    trainer.run()


def test_lines_as_chainer_prints_them(tmp_path):
    out = io.StringIO()
    run(tmp_path, out)
    lines = out.getvalue().split('\n')
    assert len(lines) == 4 * 4 + 1 and lines[-1] == ''
    assert lines[0] == '     total [############......................................] 25.00%'
    assert lines[1] == 'this epoch [#########################.........................] 50.00%'
    assert lines[2] == '         2 iter, 0 epoch / 2 epochs'
    assert lines[3] == '       inf iters/sec. Estimated time to finish: 0:00:00.'
    assert lines[4].endswith('] 50.00%') and lines[5].endswith(']  0.00%')
    assert lines[6] == '         4 iter, 1 epoch / 2 epochs'
    assert re.fullmatch(r' *[0-9.e+]+ iters/sec\. Estimated time to finish: '
                        r'\d+:\d\d:\d\d(\.\d+)?\.', lines[7])
    assert lines[12] == '     total [##################################################] 100.00%'
    assert '\033' not in out.getvalue()


def test_terminal_redraws_in_place(tmp_path):
    out = Terminal()
    run(tmp_path, out, stop=(4, 'iteration'), bar_length=10)
    text = out.getvalue()
    assert text.count('\033[4A') == 2  # cursor back up after each draw
    assert text.count('\033[J') == 3  # erase before each draw and at the end
    assert '     total [#####.....] 50.00%' in text


def test_iteration_length(tmp_path):
    out = io.StringIO()
    run(tmp_path, out, stop=(8, 'iteration'))
    assert '         8 iter, 2 epoch / 8 iterations' in out.getvalue()

"""ProgressBar: Chainer's two-bar progress display with speed and ETA."""
import collections
import datetime
import time

from chainfuse.training import extension
from chainfuse.training.extensions import _terminal


class ProgressBar(extension.Extension):
    """Prints the progress of training every `update_interval` iterations::

             total [#########.........................................] 18.33%
        this epoch [##################################................] 66.67%
              2200 iter, 3 epoch / 20 epochs
            316.04 iters/sec. Estimated time to finish: 0:00:37.336950.

    The speed is measured over the last 100 updates of the bar.  On a terminal
    the bar is redrawn in place; on other streams the four lines are appended.

    Args:
        training_length: ``(length, 'epoch' | 'iteration')``; taken from the
            trainer's stop trigger (``get_training_length()``) when omitted.
        update_interval (int): iterations between two prints.
        bar_length (int): characters in each bar.
        out: stream (default: sys.stdout at the time of printing).
    """

    def __init__(self, training_length=None, update_interval=100, bar_length=50, out=None):
        self._training_length = training_length
        self._update_interval = update_interval
        self._bar_length = bar_length
        self._out = out
        self._recent_timing = collections.deque(maxlen=100)

    def __call__(self, trainer):
        updater = trainer.updater
        if updater.iteration % self._update_interval != 0:
            return
        out = _terminal.resolve(self._out)
        lines = self.get_lines(trainer)
        _terminal.erase_below(out)
        out.write(''.join(lines))
        _terminal.cursor_up(out, len(lines))
        _terminal.flush(out)

    def finalize(self):
        out = _terminal.resolve(self._out)
        _terminal.erase_below(out)
        _terminal.flush(out)

    def training_length(self, trainer):
        if self._training_length is None:
            get_length = getattr(trainer.stop_trigger, 'get_training_length', None)
            if get_length is None:
                raise TypeError('ProgressBar cannot tell the training length from the stop '
                                f'trigger {trainer.stop_trigger!r}: pass '
                                "training_length=(n, 'epoch' | 'iteration')")
            self._training_length = get_length()
        return self._training_length

    def get_lines(self, trainer):
        """The four lines of the display, each ending with a newline."""
        updater = trainer.updater
        iteration, epoch = updater.iteration, updater.epoch_detail
        length, unit = self.training_length(trainer)
        rate = min((iteration if unit == 'iteration' else epoch) / length, 1.0)
        lines = [self._bar('     total', rate), self._bar('this epoch', epoch - int(epoch)),
                 f'{iteration:10} iter, {updater.epoch} epoch / {length} {unit}s\n']
        speed_t, speed_e = self._update_speed(iteration, epoch)
        left, speed = (length - iteration, speed_t) if unit == 'iteration' else \
            (length - epoch, speed_e)
        eta = datetime.timedelta(seconds=max(left / speed, 0.0) if speed > 0 else 0.0)
        lines.append(f'{speed_t:10.5g} iters/sec. Estimated time to finish: {eta}.\n')
        return lines

    def _bar(self, title, rate):
        marks = '#' * int(rate * self._bar_length)
        dots = '.' * (self._bar_length - len(marks))
        return f'{title} [{marks}{dots}] {rate:6.2%}\n'

    def _update_speed(self, iteration, epoch_detail):
        now = time.time()
        self._recent_timing.append((iteration, epoch_detail, now))
        old_t, old_e, old_sec = self._recent_timing[0]
        span = now - old_sec
        if span == 0:
            return float('inf'), float('inf')
        return (iteration - old_t) / span, (epoch_detail - old_e) / span

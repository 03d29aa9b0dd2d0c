"""PrintReport: prints LogReport's entries as an aligned table."""
from chainfuse.training import extension
from chainfuse.training.extensions import _terminal
from chainfuse.training.extensions.log_report import LogReport


class PrintReport(extension.Extension):
    """Prints selected entries of the log, one row per log entry::

        epoch       main/loss   validation/main/loss  main/accuracy  elapsed_time
        1           0.402984    0.212212              0.888667       4.13376
        2           0.181823    0.15224               0.947384       6.26692

    Each column is ``max(10, len(key))`` wide plus two spaces; values are
    printed with ``{:g}``; a key missing from an entry leaves a blank cell.

    Args:
        entries (list of str): keys to print, in order (default: every key of
            the first entry, epoch and iteration first).
        log_report: name of the trainer's LogReport extension, or a LogReport
            instance which this extension then calls itself.
        out: stream (default: sys.stdout at the time of printing).
    """

    def __init__(self, entries=None, log_report='LogReport', out=None):
        self._entries = None if entries is None else list(entries)
        self._log_report = log_report
        self._out = out
        self._log_len = 0  # log entries already printed
        self._header_printed = False

    def __call__(self, trainer):
        out = _terminal.resolve(self._out)
        log_report = self._log_report
        if isinstance(log_report, str):
            log_report = trainer.get_extension(log_report)
        elif isinstance(log_report, LogReport):
            log_report(trainer)
        else:
            raise TypeError(f'PrintReport: log_report must be a name or a LogReport, got '
                            f'{type(log_report).__name__}')
        log = log_report.log
        if self._entries is None and log:
            self._entries = _default_entries(log[0])
        if self._entries is not None and not self._header_printed:
            out.write(self.header())
            self._header_printed = True
        while len(log) > self._log_len:
            _terminal.erase_below(out)
            out.write(self.format_row(log[self._log_len]))
            self._log_len += 1
        _terminal.flush(out)

    def _widths(self):
        return [max(10, len(e)) for e in self._entries]

    def header(self):
        cells = [f'{e:{w}}' for e, w in zip(self._entries, self._widths())]
        return '  '.join(cells) + '\n'

    def format_row(self, observation):
        cells = []
        for entry, w in zip(self._entries, self._widths()):
            if entry in observation:
                cells.append(f'{observation[entry]:<{w}g}  ')
            else:
                cells.append(' ' * (w + 2))
        return ''.join(cells) + '\n'

    def serialize(self, serializer):
        if isinstance(self._log_report, LogReport):
            self._log_report.serialize(serializer['_log_report'])


def _default_entries(first):
    keys = [k for k in ('epoch', 'iteration') if k in first]
    keys += sorted(k for k in first if k not in ('epoch', 'iteration', 'elapsed_time'))
    return keys + (['elapsed_time'] if 'elapsed_time' in first else [])

"""unchain_variables: cuts the graphs of reported Variables after each iteration."""
from chainfuse.config import config
from chainfuse.core.variable import Variable
from chainfuse.training import extension


class unchain_variables(extension.Extension):  # noqa: N801 - Chainer's name
    """Unchains the backward graph of every Variable in the observation, last in each
    iteration (priority 0), so graphs kept by ``config.keep_graph_on_report`` do not
    pile up.  It fires after an iteration that ran with that flag on (the flag as it
    was when the previous trigger check ran: the iteration's reports were made then).

    ``trainer.extend(extensions.unchain_variables())``
    """

    priority = 0

    def __init__(self):
        self._prev_flag = None

    def initialize(self, trainer):
        self._prev_flag = config.keep_graph_on_report

    def trigger(self, trainer):
        flag = self._prev_flag
        self._prev_flag = config.keep_graph_on_report
        return flag

    def __call__(self, trainer):
        for value in trainer.observation.values():
            if isinstance(value, Variable):
                value.unchain_backward()

"""TimeTrigger: fires every `period` seconds of training time."""


class TimeTrigger:
    """Fires at the first iteration after each multiple of `period` seconds.

    Time is the trainer's ``elapsed_time``, which survives a resume.
    """

    def __init__(self, period):
        self._period = float(period)
        self._next_time = self._period

    def __call__(self, trainer):
        if self._next_time < trainer.elapsed_time:
            self._next_time += self._period
            return True
        return False

    def serialize(self, serializer):
        self._next_time = float(serializer('next_time', self._next_time))

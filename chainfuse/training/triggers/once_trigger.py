"""OnceTrigger: fires once (on the first iteration, or right after a call it was told)."""


class OnceTrigger:
    """Fires the first time it is asked, then never again.

    Args:
        call_on_resume (bool): fire again once after the trainer is resumed.
    """

    def __init__(self, call_on_resume=False):
        self._flag_first = True
        self._flag_resumed = call_on_resume

    @property
    def finished(self):
        return not (self._flag_first or self._flag_resumed)

    def __call__(self, trainer):
        fire = not self.finished
        self._flag_resumed = False
        self._flag_first = False
        return fire

    def serialize(self, serializer):
        self._flag_first = bool(serializer('_flag_first', self._flag_first))

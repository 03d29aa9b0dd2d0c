"""The Extension base class, `make_extension` and the standard priorities.

An extension is any callable taking the trainer.  The Trainer reads four optional
attributes from it: ``trigger`` (when to call it; every iteration by default),
``priority`` (higher runs first within an iteration), ``name``/``default_name``,
and the hooks ``initialize(trainer)`` (before the loop, also after a resume),
``finalize()`` (after the loop, even when it failed), ``on_error(trainer, exc, tb)``
and ``serialize(serializer)`` (its state in a snapshot).
"""

PRIORITY_WRITER = 300    # writes values into the observation (Evaluator, observe_value)
PRIORITY_EDITOR = 200    # edits values already reported (MicroAverage)
PRIORITY_READER = 100    # only reads (LogReport, PrintReport, ProgressBar)
PRIORITY_SNAPSHOT = -100  # runs last, so a snapshot holds every other extension's state


class Extension:
    """Base class of trainer extensions: override ``__call__(trainer)``.

    Class attributes give the defaults that `Trainer.extend` falls back to.
    """

    trigger = 1, 'iteration'
    priority = PRIORITY_READER
    name = None

    @property
    def default_name(self):
        """The name under which the trainer registers it: the class name by default."""
        return type(self).__name__

    def __call__(self, trainer):
        pass

    def initialize(self, trainer):
        """Called once before the training loop (after a snapshot was loaded, if any).

        Extensions that change the trainer's state (a learning-rate schedule)
        restore that state here from what `serialize` loaded.
        """

    def finalize(self):
        """Called once after the training loop, whether it ended normally or not."""

    def on_error(self, trainer, exc, tb):
        """Called when the training loop raised `exc`, before `finalize`."""

    def serialize(self, serializer):
        """Saves or loads the extension's state; stateless extensions do nothing."""


def make_extension(trigger=None, default_name=None, priority=None, finalizer=None,
                   initializer=None, on_error=None):
    """Decorator turning a function ``f(trainer)`` into an extension.

    It only attaches the attributes the Trainer reads (``trigger``, ``default_name``,
    ``priority``, ``finalize``, ``initialize``, ``on_error``) to the function.
    """
    if trigger is None:
        trigger = Extension.trigger
    if priority is None:
        priority = Extension.priority

    def decorator(ext):
        ext.trigger = trigger
        ext.default_name = default_name or ext.__name__
        ext.priority = priority
        ext.finalize = finalizer
        ext.initialize = initializer
        ext.on_error = on_error
        return ext

    return decorator

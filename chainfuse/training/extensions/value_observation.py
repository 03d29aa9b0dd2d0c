"""observe_value and observe_lr: put a value computed from the trainer into the observation."""
from chainfuse.training import extension


def observe_value(observation_key, target_func):
    """Returns an extension storing ``target_func(trainer)`` as ``observation[key]``.

    It runs every epoch by default with PRIORITY_WRITER, so LogReport and
    PrintReport see the value.  Its name is Chainer's, ``_observe_value`` (then
    ``_observe_value_1``...), which a Trainer snapshot keys its trigger state by.
    """
    @extension.make_extension(trigger=(1, 'epoch'), priority=extension.PRIORITY_WRITER,
                              default_name='_observe_value')
    def _observe_value(trainer):
        trainer.observation[observation_key] = target_func(trainer)

    return _observe_value


def observe_lr(optimizer_name='main', observation_key='lr'):
    """Returns an extension recording the learning rate (``optimizer.lr``) as 'lr'."""
    return observe_value(
        observation_key, lambda trainer: trainer.updater.get_optimizer(optimizer_name).lr)

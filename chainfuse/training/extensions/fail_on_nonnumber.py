"""FailOnNonNumber: stops training as soon as a parameter becomes NaN or infinite."""
from chainfuse import backend
from chainfuse.training import extension


class FailOnNonNumber(extension.Extension):
    """Raises RuntimeError when a parameter (or, with `check_grad`, a gradient) of any
    optimizer's target holds NaN or Inf, naming the optimizer and the parameter.
    """

    def __init__(self, check_grad=True):
        self._check_grad = check_grad

    def __call__(self, trainer):
        for name, optimizer in trainer.updater.get_all_optimizers().items():
            for path, param in optimizer.target.namedparams():
                self._check(name, path, 'parameter', param.array)
                if self._check_grad:
                    self._check(name, path, 'gradient', param.grad)

    @staticmethod
    def _check(opt_name, path, what, array):
        if array is None:
            return
        xp = backend.get_array_module(array)
        if not bool(xp.isfinite(array).all()):
            raise RuntimeError(f"Kill the process since the {what} {path} in optimizer "
                               f"'{opt_name}' diverged (NaN or Inf). R.I.P.")

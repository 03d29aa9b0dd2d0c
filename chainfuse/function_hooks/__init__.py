"""Chainer's ``chainer.function_hooks``: hooks called around every function node
(see `chainfuse.function_hook` for when each callback runs)."""
from chainfuse.function_hooks.cuda_profile import CUDAProfileHook  # noqa: F401
from chainfuse.function_hooks.cupy_memory_profile import CupyMemoryProfileHook  # noqa: F401
from chainfuse.function_hooks.debug_print import PrintHook  # noqa: F401
from chainfuse.function_hooks.timer import TimerHook  # noqa: F401

"""``chainfuse.mn``: `chainfuse.distributed` under ChainerMN's short name.

``import chainfuse.mn as chainermn`` and ``from chainfuse.mn import extensions`` give the
very same modules as ``chainfuse.distributed`` (no second copy is imported).
"""
import importlib
import sys

from chainfuse.distributed import *  # noqa: F401,F403
from chainfuse.distributed import (  # noqa: F401
    available, create_communicator, create_multi_node_evaluator,
    create_multi_node_optimizer, extensions, get_n_iterations_for_one_epoch,
    global_except_hook, scatter_dataset)

for _name in ('communicators', 'extensions', 'global_except_hook', 'scatter_dataset',
              'multi_node_optimizer'):
    sys.modules[f'{__name__}.{_name}'] = importlib.import_module(
        f'chainfuse.distributed.{_name}')

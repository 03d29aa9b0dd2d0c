"""ChainerMN's ``chainermn.extensions``."""
from chainfuse.distributed.extensions.checkpoint import create_multi_node_checkpointer  # noqa
from chainfuse.distributed.extensions.multi_node_evaluator import (  # noqa: F401
    create_multi_node_evaluator)

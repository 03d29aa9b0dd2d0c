"""chainfuse: Chainer's define-by-run programming model on NumPy/CuPy, with a tracing
compiler behind it.  ``import chainfuse as chainer`` runs tutorial-level Chainer code."""
from chainfuse import backend  # noqa: F401
from chainfuse.backend import get_device  # noqa: F401  (chainer.get_device)
from chainfuse import cuda  # noqa: F401
from chainfuse.config import (  # noqa: F401
    config, global_config, using_config, no_backprop_mode, force_backprop_mode)
from chainfuse.random import set_random_seed  # noqa: F401
from chainfuse import ops  # noqa: F401
from chainfuse.core import Variable, Parameter, FunctionNode, as_variable, as_array, grad  # noqa
from chainfuse.core.function import Function  # noqa: F401
from chainfuse import functions  # noqa: F401

__version__ = '0.1.0'
from chainfuse.tracer import trace  # noqa: F401,E402
from chainfuse.runtime import (  # noqa: F401,E402
    compile, compile_step, eager, static_graph, explain, dump)
from chainfuse import optimizer, optimizers, optimizer_hooks  # noqa: F401,E402
from chainfuse import serializer, serializers, reporter  # noqa: F401,E402
from chainfuse.reporter import (  # noqa: F401,E402
    Reporter, report, report_scope, get_current_reporter, Summary, DictSummary)
from chainfuse import initializers, links, link  # noqa: F401,E402
from chainfuse.links import Link, Chain, ChainList, Sequential  # noqa: F401,E402
from chainfuse import link_hooks  # noqa: F401,E402
from chainfuse.link_hooks import LinkHook  # noqa: F401,E402
from chainfuse import gradient_check, testing  # noqa: F401,E402
from chainfuse import dataset, datasets, iterators  # noqa: F401,E402
from chainfuse import training, computational_graph  # noqa: F401,E402

"""chainfuse: Chainer's define-by-run programming model on NumPy/CuPy, with a tracing
compiler behind it.  ``import chainfuse as chainer`` runs tutorial-level Chainer code."""
from chainfuse import backend  # noqa: F401
from chainfuse.backend import get_device  # noqa: F401  (chainer.get_device)
from chainfuse import cuda  # noqa: F401
from chainfuse.config import (  # noqa: F401
    config, global_config, using_config, no_backprop_mode, force_backprop_mode)
from chainfuse.random import set_random_seed  # noqa: F401
from chainfuse.utils.denormal import flush_denormal, set_flush_denormal  # noqa: F401
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
from chainfuse import gradient_check  # noqa: F401,E402
from chainfuse import dataset, datasets, iterators  # noqa: F401,E402
from chainfuse import training, computational_graph  # noqa: F401,E402

# ---- Chainer 7's top-level API beyond the tutorials (issue 17) ----
from chainfuse import backends, configuration, function_hook, function_hooks  # noqa: F401,E402
from chainfuse.backend import using_device  # noqa: F401,E402
from chainfuse.config import mixed16  # noqa: F401,E402
from chainfuse.core.backprop import backward_all as backward  # noqa: F401,E402
from chainfuse.core.function import FunctionAdapter  # noqa: F401,E402
from chainfuse.device_resident import DeviceResident  # noqa: F401,E402
from chainfuse.function_hook import FunctionHook, get_function_hooks  # noqa: F401,E402
from chainfuse.initializers import Initializer  # noqa: F401,E402
from chainfuse.optimizer import GradientMethod, Optimizer, UpdateRule  # noqa: F401,E402
from chainfuse.runtime import static_code  # noqa: F401,E402
from chainfuse.serializer import AbstractSerializer, Deserializer, Serializer  # noqa: F401,E402
from chainfuse._chainer_top import (  # noqa: F401,E402
    DebugMode, Fallback, disable_experimental_feature_warning, get_array_types,
    get_compute_mode, get_cpu_array_types, get_dtype, is_arrays_compatible, is_debug,
    print_runtime_info, set_debug, should_use_cudnn, should_use_cudnn_tensor_core)
from chainfuse import distribution, distributions  # noqa: F401,E402
from chainfuse.distributions import (  # noqa: F401,E402
    Distribution, cross_entropy, kl_divergence, register_kl)


def __getattr__(name):
    # chainfuse.testing (Chainer's chainer.testing: pytest helpers) is imported on first
    # use, so `import chainfuse` needs no test framework and stays cheap
    if name == 'testing':
        import importlib
        return importlib.import_module('chainfuse.testing')
    raise AttributeError(f"module 'chainfuse' has no attribute {name!r}")

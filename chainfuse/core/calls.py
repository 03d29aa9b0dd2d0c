"""Which user-facing function each recorded primitive came from.

``F.linear(x, W, b)`` applies two registry ops (``matmul``, ``add``); Chainer's graph
has one node for it, ``LinearFunction``.  To draw that level, every public function
of `chainfuse.functions` is wrapped by `user_function`: the outermost such call on
this thread installs a call ``(label, args, kwargs)`` (Chainer's label, the
arguments as passed), and `FunctionNode.apply` stores the current call on each node
it records (``node.call``; one thread-local read per recorded node).  Calls made
inside it (F.softmax_cross_entropy using log_softmax) do not start a call of their
own, so a primitive belongs to the function the user called.
`chainfuse.computational_graph` groups the nodes by call.  Primitives applied
outside any such function (Variable operators) keep ``call = None`` and are drawn
one by one.

Cost, measured on this (shared, 2-core) machine with
``benchmarks/eager_call_overhead.py --isolate`` and timeit: the wrapper adds about
0.7 us to each F call (1.2 us with a small class instead of a tuple), the
thread-local read under 0.1 us to each recorded node.
"""
import functools
import threading


# A call is the plain tuple ``(label, args, kwargs)``: Chainer's label of the node and the
# arguments as passed (to draw the inputs Chainer draws).  A tuple, not an object, since
# one is made at every F call: it costs a third less than a small class instance.
LABEL, ARGS, KWARGS = 0, 1, 2


class _Local(threading.local):
    call = None


local = _Local()


def user_function(fn, label):
    """`fn` wrapped so that the primitives it applies are recorded as one `label` node."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        state = local
        if state.call is not None:
            return fn(*args, **kwargs)
        state.call = (label, args, kwargs)
        try:
            return fn(*args, **kwargs)
        except AttributeError as e:
            _explain_list_argument(fn, args, kwargs, e)
            raise
        finally:
            state.call = None
    wrapper.__chainfuse_label__ = label
    return wrapper


def _explain_list_argument(fn, args, kwargs, error):
    """A function that reads ``x.ndim`` or ``W.shape`` before applying an op fails on a
    Python list with ``'list' object has no attribute 'ndim'``: when the object was one
    of the call's arguments, say so as a Link call does (`check_call_arguments`)."""
    obj = getattr(error, 'obj', None)
    if type(obj) is list and any(a is obj for a in list(args) + list(kwargs.values())):
        from chainfuse.core.arguments import check_call_arguments
        try:
            check_call_arguments(f'F.{fn.__name__}', args, kwargs)
        except TypeError as explained:
            raise explained from error

"""Which user-facing function each recorded primitive came from.

``F.linear(x, W, b)`` applies two registry ops (``matmul``, ``add``); Chainer's graph
has one node for it, ``LinearFunction``.  To draw that level, every public function
of `chainfuse.functions` is wrapped by `user_function`: the outermost such call on
this thread installs a `Call` (Chainer's label, the arguments as passed), and
`FunctionNode.apply` stores the current call on each node it records (``node.call``;
one thread-local read per recorded node).  Calls made inside it (F.softmax_cross_
entropy using log_softmax) do not start a call of their own, so a primitive belongs
to the function the user called.  `chainfuse.computational_graph` groups the nodes
by call.  Primitives applied outside any such function (Variable operators) keep
``call = None`` and are drawn one by one.
"""
import functools
import threading


class Call:
    """One call of a user-facing function: its label (Chainer's name of the node),
    and its positional and keyword arguments (to draw the inputs Chainer draws)."""

    __slots__ = ('label', 'args', 'kwargs')

    def __init__(self, label, args, kwargs):
        self.label = label
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        return f'<Call {self.label}>'


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
        state.call = Call(label, args, kwargs)
        try:
            return fn(*args, **kwargs)
        finally:
            state.call = None
    wrapper.__chainfuse_label__ = label
    return wrapper

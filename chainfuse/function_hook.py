"""Function hooks: callbacks around every function application (``chainer.FunctionHook``).

A hook is registered for the current thread by entering it (``with TimerHook():``,
which puts it into `get_function_hooks()` under its ``name``), or for one function
node by ``node.add_hook(hook)``.  Then, for every `FunctionNode` applied in that
thread, ``FunctionNode.apply`` calls ``forward_preprocess(node, in_data)`` just
before the forward computation and ``forward_postprocess(node, in_data)`` just
after; backward calls ``backward_preprocess(node, in_data, out_grad)`` and
``backward_postprocess`` around the node's backward rule (``in_data`` and
``out_grad`` are tuples of arrays, None for a missing gradient).  ``added`` and
``deleted`` are called on registration (``function`` is None for a thread-wide hook).

The nodes are chainfuse's primitives (``matmul``, ``add``, ``relu``...: what
``node.label`` says), where Chainer would name one node per user-facing function
(``LinearFunction``).

Cost when no hook is registered: `FunctionNode.apply` and the backward loop test one
global flag of their own module, kept equal to ``state.count > 0`` through `on_change`
(``state.count``: hooks registered in any thread plus hooks added to nodes); only when
it is set do they look up this thread's hooks.  So the registry is a dict type that
keeps the counter right however it is changed.
"""
import collections
import threading


class _State:
    count = 0           # hooks registered anywhere (all threads, all nodes)


state = _State()
_lock = threading.Lock()
_listeners = []


def on_change(listener):
    """Calls ``listener(any_hooks)`` now and whenever the count becomes or stops being
    zero (core modules keep a global flag with it)."""
    _listeners.append(listener)
    listener(state.count > 0)


def _add_count(delta):
    with _lock:
        before = state.count > 0
        state.count += delta
        after = state.count > 0
        if before != after:
            for listener in _listeners:
                listener(after)


class HookTable(collections.OrderedDict):
    """An ordered name -> hook dict that keeps `state.count` equal to the number of
    registered hooks, whichever method changes it: each table remembers how many hooks
    it has counted and settles the difference after every change."""

    def _settle(self):
        counted = self.__dict__.get('_counted', 0)
        if len(self) != counted:
            _add_count(len(self) - counted)
            self._counted = len(self)

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._settle()

    def __delitem__(self, key):
        super().__delitem__(key)
        self._settle()

    def pop(self, *args):
        try:
            return super().pop(*args)
        finally:
            self._settle()

    def popitem(self, last=True):
        try:
            return super().popitem(last)
        finally:
            self._settle()

    def clear(self):
        super().clear()
        self._settle()

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._settle()

    def setdefault(self, key, default=None):
        try:
            return super().setdefault(key, default)
        finally:
            self._settle()

    def __del__(self):
        # a thread's table dies with its thread: its hooks no longer count
        counted = self.__dict__.get('_counted', 0)
        if counted and _add_count is not None:      # (None at interpreter shutdown)
            _add_count(-counted)


_local = threading.local()


def get_function_hooks():
    """This thread's registered hooks: an ordered dict name -> hook (``chainer``'s)."""
    table = getattr(_local, 'hooks', None)
    if table is None:
        table = _local.hooks = HookTable()
    return table


def hooks_for(node):
    """The hooks that apply to `node` now: this thread's, then the node's own."""
    table = getattr(_local, 'hooks', None)
    own = node.__dict__.get('_local_function_hooks')
    if own:
        if table:
            merged = collections.OrderedDict(table)
            merged.update(own)
            return tuple(merged.values())
        return tuple(own.values())
    return tuple(table.values()) if table else ()


def active():
    """Whether any function hook is registered in this thread (a compiled call then runs
    eagerly, so that every hook sees every function)."""
    return bool(state.count) and bool(getattr(_local, 'hooks', None))


class FunctionHook:
    """Base of function hooks: override the callbacks you need (module docstring).

    Use as a context manager (``with hook:``) to register it for the current thread,
    or ``node.add_hook(hook)`` for one node.
    """

    name = 'FunctionHook'

    def __enter__(self):
        hooks = get_function_hooks()
        if self.name in hooks:
            raise KeyError(f'a function hook named {self.name!r} is already registered in '
                           'this thread; give the new one another `name`')
        hooks[self.name] = self
        self.added(None)
        return self

    def __exit__(self, *exc):
        hooks = get_function_hooks()
        hooks[self.name].deleted(None)
        del hooks[self.name]

    def added(self, function):
        """Called when the hook is registered (`function` None: thread-wide)."""

    def deleted(self, function):
        """Called when the hook is unregistered (`function` None: thread-wide)."""

    def forward_preprocess(self, function, in_data):
        """Called before `function` computes its forward on the arrays `in_data`."""

    def forward_postprocess(self, function, in_data):
        """Called after `function` computed its forward on the arrays `in_data`."""

    def backward_preprocess(self, function, in_data, out_grad):
        """Called before `function`'s backward; `out_grad` are its output gradients."""

    def backward_postprocess(self, function, in_data, out_grad):
        """Called after `function`'s backward."""

"""Link hooks: code run before and after a Link's forward (Chainer's ``LinkHook``).

A hook is registered on one link (``link.add_hook(hook, name=None)``, removed with
``delete_hook(name)``) or, as a context manager (``with hook:``), on every link called
on this thread.  ``Link.__call__`` then calls, for each hook (the thread's first, then
the link's own, in registration order)::

    hook.forward_preprocess(args)     # args.link, args.forward_name, args.args, args.kwargs
    out = link.forward(*args, **kwargs)
    hook.forward_postprocess(args)    # ... and args.out

Compiled mode: hooks run Python code at every call, which a replayed plan does not.  A
hook whose class sets ``traceable = True`` promises that what it does is written with
ops (and ``update_state`` for the state it keeps), so its effect is recorded into the
trace and replayed (`SpectralNormalization`).  Any other hook active while a call is
traced is a graph break: that call runs eagerly, with one warning naming the hook.
"""
import collections
import threading


class _Local(threading.local):
    def __init__(self):
        self.hooks = collections.OrderedDict()


_local = _Local()


def get_link_hooks():
    """The thread's global link hooks (name -> hook), as ``chainer._get_link_hooks``."""
    return _local.hooks


class _ForwardPreprocessCallbackArgs:
    """What ``forward_preprocess`` is given: link, forward_name, args, kwargs."""

    def __init__(self, link, forward_name, args, kwargs):
        self.link = link
        self.forward_name = forward_name
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        return (f'{type(self).__name__}(link={self.link!r}, forward_name='
                f'{self.forward_name!r}, args={self.args!r}, kwargs={self.kwargs!r})')


class _ForwardPostprocessCallbackArgs(_ForwardPreprocessCallbackArgs):
    """What ``forward_postprocess`` is given: the preprocess fields and ``out``."""

    def __init__(self, link, forward_name, args, kwargs, out):
        super().__init__(link, forward_name, args, kwargs)
        self.out = out

    def __repr__(self):
        return super().__repr__()[:-1] + f', out={self.out!r})'


class LinkHook:
    """Base class of link hooks; subclasses override the callbacks they need.

    Attributes:
        name: the default name the hook is registered under.
        traceable: True when the callbacks compute only with ops (see module doc).
    """

    name = 'LinkHook'
    traceable = False

    def __enter__(self):
        hooks = get_link_hooks()
        if self.name in hooks:
            raise KeyError(f'link hook {self.name!r} already exists')
        hooks[self.name] = self
        self.added(None)
        return self

    def __exit__(self, *_):
        hooks = get_link_hooks()
        hooks[self.name].deleted(None)
        del hooks[self.name]

    def added(self, link):
        """Called when registered: on `link`, or globally (link None)."""

    def deleted(self, link):
        """Called when unregistered (link None for a global hook)."""

    def forward_preprocess(self, args):
        """Called before the link's forward."""

    def forward_postprocess(self, args):
        """Called after the link's forward; ``args.out`` is its result."""


def standin(variable):
    """Marks a Variable that stands in for a Parameter during a forward (a normalized
    weight): links test ``W.is_initialized`` before using W."""
    variable.is_initialized = True
    return variable


def active_hooks(link):
    """The hooks that apply to a call of `link` (global first), or an empty list."""
    local = link.__dict__.get('_local_link_hooks')
    if not _local.hooks and not local:
        return ()
    hooks = collections.OrderedDict(_local.hooks)
    if local:
        hooks.update(local)
    return list(hooks.values())


def _refuse_untraceable(link, hooks):
    from chainfuse.core import tracing
    if tracing.current() is None:
        return
    bad = [h for h in hooks if not getattr(h, 'traceable', False)]
    if bad:
        from chainfuse.tracer.errors import GraphBreak
        names = ', '.join(f'{type(h).__name__} ({h.name!r})' for h in bad)
        raise GraphBreak(f'link hook(s) {names} on {type(link).__name__} run Python code at '
                         'every call, which a compiled plan cannot replay')


def call_with_hooks(link, hooks, args, kwargs):
    """``link.forward(*args, **kwargs)`` between the hooks' callbacks."""
    _refuse_untraceable(link, hooks)
    pre = _ForwardPreprocessCallbackArgs(link, 'forward', args, kwargs)
    for hook in hooks:
        hook.forward_preprocess(pre)
    out = link.forward(*args, **kwargs)
    post = _ForwardPostprocessCallbackArgs(link, 'forward', args, kwargs, out)
    for hook in hooks:
        hook.forward_postprocess(post)
    return out

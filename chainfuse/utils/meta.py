"""``final`` methods (``chainer.utils.final`` / ``enable_final``): overriding a method
marked final in a subclass raises (or warns), checked when the subclass is created."""
import warnings


def final(*args, **kwargs):
    """Marks a method final: ``@final`` (overriding raises TypeError) or
    ``@final(action=SomeWarning)`` (overriding warns, or raises that exception class).
    The class must derive from a base made by `enable_final`."""
    def mark(f, action=TypeError):
        if not callable(f):
            raise TypeError(f'final: expected a method, got {type(f).__name__}')
        f._final_action = action
        return f
    if len(args) == 1 and not kwargs:
        return mark(args[0])
    if args:
        raise TypeError('final takes the method, or keyword arguments only (action=...)')
    return lambda f: mark(f, **kwargs)


class _EnableFinal(type):
    def __new__(mcs, name, bases, namespace):
        for key in namespace:
            for base in bases:
                action = getattr(getattr(base, key, None), '_final_action', None)
                if action is None:
                    continue
                if issubclass(action, Warning):
                    warnings.warn(f'{name} overrides the final method {key!r}', action)
                else:
                    raise action(f'{name} overrides the method {key!r}, which is final')
        return super().__new__(mcs, name, bases, namespace)


def enable_final(base=(), meta_base=()):
    """A base class (deriving from `base`) whose subclasses respect `final` methods;
    `meta_base` lists metaclasses to combine with, to avoid a metaclass conflict."""
    base = tuple(base) if isinstance(base, (list, tuple)) else (base,)
    meta_base = tuple(meta_base) if isinstance(meta_base, (list, tuple)) else (meta_base,)
    metaclass = type('EnableFinalMeta', (_EnableFinal,) + meta_base, {})
    return metaclass('EnableFinal', base, {})

"""Hyperparameter: attribute sets that fall back to a parent, as in Chainer.

An optimizer owns one `Hyperparameter` (``optimizer.hyperparam``); the update rule
of every parameter owns a child of it (``param.update_rule.hyperparam``).  Reading
an attribute the child does not set reads the parent's, so ``optimizer.lr = 0.1``
changes every parameter's learning rate, while
``param.update_rule.hyperparam.lr = 0.0`` changes one parameter's only.
"""


_version = [0]


def version():
    """A counter bumped by every hyperparameter assignment anywhere (for caches)."""
    return _version[0]


class Hyperparameter:
    """A set of hyperparameter entries with an optional parent to fall back to."""

    def __init__(self, parent=None):
        self._parent = parent

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        _version[0] += 1

    def __delattr__(self, name):
        object.__delattr__(self, name)
        _version[0] += 1

    def __getattr__(self, name):
        if '_parent' not in self.__dict__:  # during unpickling
            raise AttributeError('_parent is not set up yet')
        parent = self._parent
        if parent is None:
            raise AttributeError(f'hyperparameter {name!r} is not set')
        return getattr(parent, name)

    def __repr__(self):
        d = self.get_dict()
        body = ', '.join(f'{k}={d[k]}' for k in sorted(d))
        return f'Hyperparameter({body})'

    @property
    def parent(self):
        """The hyperparameter this one falls back to (None for a root)."""
        return self._parent

    def get_dict(self):
        """Every entry visible from here (own entries override the parent's) as a dict."""
        d = {} if self._parent is None else self._parent.get_dict()
        for k, v in self.__dict__.items():
            if k != '_parent':
                d[k] = v
        return d


class HyperparameterProxy:
    """A class attribute aliasing ``self.hyperparam.<name>`` (``Adam.alpha``, ``SGD.lr``)."""

    def __init__(self, attr_name):
        self._attr_name = attr_name
        self.__doc__ = f'Alias to ``self.hyperparam.{attr_name}``.'

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj.hyperparam, self._attr_name)

    def __set__(self, obj, value):
        setattr(obj.hyperparam, self._attr_name, value)

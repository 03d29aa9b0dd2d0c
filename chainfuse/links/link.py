"""Link, Chain and ChainList: objects that own parameters, as in Chainer.

A Link keeps three kinds of registered attributes, by name:

- parameters (`Parameter`), registered by assigning them inside ``with
  self.init_scope():`` (or by `add_param`);
- persistents (`add_persistent` / `register_persistent`): arrays or scalars that
  are saved and loaded but not trained, such as BatchNormalization's running
  statistics;
- child links (Chain: assigned inside `init_scope`; ChainList: appended).

Everything that walks the hierarchy — `params`/`namedparams` (paths like
``/l1/W``), `links`, `cleargrads`, `copyparams`, `to_device`, `serialize` —
goes over those names only, sorted, so the order is the same in every run.  The
tracer names parameter inputs by these paths and reads the persistent names.
"""
import collections
import contextlib
import copy as copy_module
import warnings

import numpy

from chainfuse import backend
from chainfuse.core.arguments import check_call_arguments
from chainfuse.core.tracing import local as _tracing
from chainfuse.core.variable import Parameter, Variable
from chainfuse.device_resident import DeviceResident
from chainfuse.link_hooks import link_hook as _link_hook

_COPY_MODES = ('init', 'copy', 'share')


class DeviceMismatchError(ValueError):
    """An input lives on another device than the parameters of the Link it is fed to."""


def check_device_match(who, param_device, input_device):
    """Raises DeviceMismatchError naming both devices when they differ."""
    if param_device == input_device:
        return
    raise DeviceMismatchError(
        f'{who}: the input is on device {input_device} but the parameters are on '
        f'{param_device}. Move the model with model.to_device({str(input_device)!r}) '
        f'(to_gpu()/to_cpu()), or the input with '
        f'chainfuse.backend.to_device({str(param_device)!r}, x).')


def _copy_array_into(dst, src):
    """Copies `src` into the existing array `dst`, across devices."""
    if isinstance(dst, numpy.ndarray):
        numpy.copyto(dst, backend.to_cpu(src), casting='unsafe')
    else:  # pragma: no cover - cupy
        backend.get_array_module(dst).copyto(dst, backend.to_device(
            backend.get_device_from_array(dst), src), casting='unsafe')


_structure = [0]


def structure_version():
    """A counter bumped whenever any Link's parameters or children are registered,
    replaced or removed: a cached list of a model's parameters is valid while it stays."""
    return _structure[0]


def _bump():
    _structure[0] += 1


# Every write of a Link attribute counts here (and is reported to the tracer recording
# this thread, ``on_attr_write``): a compiled call's attribute guards hold while it stays.
_attr_writes = [0]


def attr_writes():
    """How many Link attribute writes (and deletions) this process has made."""
    return _attr_writes[0]


def note_attr_write():
    """Counts a write made directly into a Link's ``__dict__``."""
    _attr_writes[0] += 1


def _check_mode(mode):
    if mode not in _COPY_MODES:
        raise ValueError(f"the 'mode' argument should be either 'init', 'copy', or "
                         f"'share', but {mode!r} was given")


def _shared_param(p):
    """A new Parameter object sharing `p`'s array (and update rule), without its grad."""
    q = object.__new__(type(p))
    q.__dict__.update(p.__dict__)
    q._grad_var = None
    q.creator = None
    q.rank = 0
    return q


class Link(DeviceResident):
    """Building block of models: owns parameters and persistent values.

    Example::

        class LinearLayer(chainfuse.Link):
            def __init__(self, n_in, n_out):
                super().__init__()
                with self.init_scope():
                    self.W = chainfuse.Parameter(initializers.Normal(), (n_out, n_in))
                    self.b = chainfuse.Parameter(0, (n_out,))

            def forward(self, x):
                return F.linear(x, self.W, self.b)

    ``link(x)`` calls ``link.forward(x)``.  `Link(**params)` (deprecated in Chainer)
    registers uninitialized parameters of the given shapes.
    """

    name = None

    def __init__(self, **params):
        d = self.__dict__
        d['_params'] = set()
        d['_persistent'] = set()
        d['_within_init_scope'] = False
        d['_device'] = backend.CPU
        d['name'] = None
        for name, value in params.items():
            shape, dtype = value if _is_shape_dtype(value) else (value, numpy.float32)
            self.add_param(name, shape, dtype=dtype)

    def _check_init_done(self):
        if '_params' not in self.__dict__:
            raise RuntimeError(f'{type(self).__name__}: Link.__init__() has not been called; '
                               'call super().__init__() before init_scope()')

    # ---- registration ----
    @property
    def within_init_scope(self):
        """True inside ``with self.init_scope():``, where assignments register."""
        return self.__dict__.get('_within_init_scope', False)

    @contextlib.contextmanager
    def init_scope(self):
        """Within this block, assigning a Parameter (or, for Chain, a Link) registers it."""
        self._check_init_done()
        old = self.within_init_scope
        self._within_init_scope = True
        try:
            yield
        finally:
            self._within_init_scope = old

    def __setattr__(self, name, value):
        _attr_writes[0] += 1
        tracer = _tracing.tracer
        if tracer is not None:
            tracer.on_attr_write(self, name, value)
        if self.within_init_scope and isinstance(value, Parameter):
            value.name = name
            if self._device != backend.CPU:
                value.to_device(self._device)
            self._params.add(name)
            self._persistent.discard(name)
            _bump()
        elif name in self.__dict__.get('_params', ()):
            _bump()
        super().__setattr__(name, value)

    def __delattr__(self, name):
        _attr_writes[0] += 1
        tracer = _tracing.tracer
        if tracer is not None:
            tracer.on_attr_write(self, name, None)
        self._params.discard(name)
        self._persistent.discard(name)
        _bump()
        super().__delattr__(name)

    def add_param(self, name, shape=None, dtype=numpy.float32, initializer=None):
        """Registers a new Parameter `name` (uninitialized when `shape` is None)."""
        if name in self.__dict__:
            raise AttributeError(f'cannot register a new parameter {name}: attribute exists')
        if initializer is None:
            from chainfuse import initializers
            initializer = initializers.NaN(dtype)
        param = Parameter(initializer, shape)
        with self.init_scope():
            setattr(self, name, param)

    def add_persistent(self, name, value):
        """Registers `value` (array, scalar...) as persistent attribute `name`."""
        if name in self.__dict__:
            raise AttributeError(f'cannot register a new persistent value {name}: '
                                 'attribute exists')
        self._persistent.add(name)
        self._params.discard(name)
        if backend.is_array(value):
            value = self._device.send(value)
        self.__dict__[name] = value
        note_attr_write()

    def register_persistent(self, name):
        """Registers the existing attribute `name` as a persistent value."""
        if not hasattr(self, name):
            raise AttributeError(f'cannot register non-existent attribute {name} as a '
                                 'persistent value')
        self._persistent.add(name)
        self._params.discard(name)

    # ---- calling ----
    def __call__(self, *args, **kwargs):
        check_call_arguments(type(self).__name__, args, kwargs)
        hooks = _link_hook.active_hooks(self)
        if hooks:
            return _link_hook.call_with_hooks(self, hooks, args, kwargs)
        return self.forward(*args, **kwargs)

    # ---- link hooks (chainfuse.link_hooks) ----
    @property
    def local_link_hooks(self):
        """The hooks registered on this link (name -> hook), in registration order."""
        hooks = self.__dict__.get('_local_link_hooks')
        if hooks is None:
            hooks = self.__dict__['_local_link_hooks'] = collections.OrderedDict()
        return hooks

    def add_hook(self, hook, name=None):
        """Registers a `chainfuse.link_hooks.LinkHook` on this link under `name` (default:
        ``hook.name``), calls ``hook.added(self)`` and returns self."""
        if not isinstance(hook, _link_hook.LinkHook):
            raise TypeError(f'add_hook: hook must be a LinkHook, got {type(hook).__name__}')
        name = hook.name if name is None else name
        hooks = self.local_link_hooks
        if name in hooks:
            raise KeyError(f'link hook {name!r} already exists on {type(self).__name__}')
        hooks[name] = hook
        hook.added(self)
        return self

    def delete_hook(self, name):
        """Unregisters the hook `name` (calling its ``deleted(self)``)."""
        hooks = self.local_link_hooks
        if name not in hooks:
            raise KeyError(f'link hook {name!r} does not exist on {type(self).__name__}; '
                           f'registered: {list(hooks)}')
        hooks[name].deleted(self)
        del hooks[name]

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'{type(self).__name__} defines neither forward() nor '
                                  '__call__()')

    # ---- devices (device, xp, to_cpu, to_gpu: chainfuse.device_resident) ----
    def to_device(self, device):
        """Moves parameters, their grads, persistent arrays and child links; returns self."""
        device = backend.get_device(device)
        for link in self.links():
            link._move_own(device)
        return self

    def _move_own(self, device):
        d = self.__dict__
        for name in self._params:
            d[name].to_device(device)
        for name in self._persistent:
            if backend.is_array(d[name]):
                d[name] = device.send(d[name])
        d['_device'] = device
        note_attr_write()

    def _check_input_device(self, x):
        """Raises a clear error when the input `x` is not on this link's device."""
        data = x._data if isinstance(x, Variable) else x
        if self._device == backend.CPU and not backend.is_cupy_array(data):
            return
        if data is None or not backend.is_array(data):
            return
        check_device_match(type(self).__name__, self._device,
                           backend.get_device_from_array(data))

    # ---- walking the hierarchy ----
    def params(self, include_uninit=True):
        """The parameters of this link and its descendants."""
        for _, param in self.namedparams(include_uninit):
            yield param

    def namedparams(self, include_uninit=True):
        """(path, parameter) pairs; paths are relative to this link (``/W``, ``/l1/W``)."""
        d = self.__dict__
        for name in sorted(self._params):
            if include_uninit or d[name].is_initialized:
                yield '/' + name, d[name]
        for name, child in self._named_children():
            for path, param in child.namedparams(include_uninit):
                yield '/' + name + path, param

    def links(self, skipself=False):
        """This link (unless `skipself`) and all its descendants."""
        for _, link in self.namedlinks(skipself):
            yield link

    def namedlinks(self, skipself=False):
        """(path, link) pairs; this link's path is ``/``, a child's ``/name``."""
        if not skipself:
            yield '/', self
        for name, child in self._named_children():
            yield '/' + name, child
            for path, link in child.namedlinks(skipself=True):
                yield '/' + name + path, link

    def _named_children(self):
        """(name, child link) pairs, in order; a plain Link has none."""
        return ()

    def children(self):
        """The direct child links."""
        for _, child in self._named_children():
            yield child

    def namedpersistents(self):
        """(path, value) pairs of the persistent values under this link."""
        for prefix, link in self.namedlinks():
            prefix = prefix.rstrip('/')
            for name in sorted(link._persistent):
                yield f'{prefix}/{name}', link.__dict__[name]

    # ---- gradients and values ----
    def cleargrads(self):
        """Sets every parameter's grad to None (call it before each backward)."""
        for param in self.params():
            param.cleargrad()

    def zerograds(self):
        """Fills every initialized parameter's grad with zeros (prefer `cleargrads`)."""
        for param in self.params():
            param.zerograd()

    def copyparams(self, link, copy_persistent=True):
        """Copies the parameter arrays (and persistents) of `link` into this one's arrays."""
        src = link.__dict__
        dst = self.__dict__
        for name in self._params:
            dst[name].copydata(src[name])
        if copy_persistent:
            for name in self._persistent:
                if backend.is_array(dst[name]) and backend.is_array(src[name]):
                    _copy_array_into(dst[name], src[name])
                else:
                    dst[name] = copy_module.deepcopy(src[name])
                    note_attr_write()
        src_children = dict(link._named_children())
        for name, child in self._named_children():
            child.copyparams(src_children[name], copy_persistent)

    def addgrads(self, link):
        """Adds the grads of `link`'s parameters to this link's grads."""
        src = link.__dict__
        dst = self.__dict__
        for name in self._params:
            dst[name].addgrad(src[name])
        src_children = dict(link._named_children())
        for name, child in self._named_children():
            child.addgrads(src_children[name])

    def enable_update(self):
        """Enables the update rule of every parameter (set up by an optimizer)."""
        self._set_update_enabled(True)

    def disable_update(self):
        """Freezes every parameter: optimizers skip them (needs an optimizer set up)."""
        self._set_update_enabled(False)

    def _set_update_enabled(self, flag):
        for param in self.params():
            rule = getattr(param, 'update_rule', None)
            if rule is not None:
                rule.enabled = flag

    @property
    def update_enabled(self):
        """True if at least one parameter's update rule is enabled."""
        for param in self.params():
            rule = getattr(param, 'update_rule', None)
            if rule is not None and rule.enabled:
                return True
        return False

    def count_params(self):
        """The number of scalars in all initialized parameters (warns about the others)."""
        size = 0
        for name, param in self.namedparams():
            if not param.is_initialized:
                warnings.warn(f"Parameter '{name}' has not been initialized, so the resulting "
                              'count will not include the number of parameters in it.')
                continue
            size += param.size
        return size

    # ---- copying ----
    def copy(self, mode='share'):
        """Copies the link hierarchy.

        ``share``: new link objects whose parameters share arrays with this one (grads
        are not shared); ``copy``: a deep copy, equal values changed independently;
        ``init``: a deep copy whose initialized parameters are drawn again from their
        initializers.  The copy's `name` is None.
        """
        _check_mode(mode)
        if mode == 'share':
            ret = self._copy_shared()
        else:
            ret = copy_module.deepcopy(self)
            for old, new in zip(self.params(), ret.params()):
                # pickling a Parameter keeps its array, not where an uninitialized one
                # will live nor (for an initialized one) its initializer
                new.initializer = old.initializer
                new._device = old.device
            if mode == 'init':
                for param in ret.params(include_uninit=False):
                    if param.initializer is not None:
                        param.initialize(param.shape)
        ret.name = None
        return ret

    def _copy_shared(self):
        ret = copy_module.copy(self)
        d = ret.__dict__
        d['_params'] = set(self._params)
        d['_persistent'] = set(self._persistent)
        for name in ret._params:
            d[name] = _shared_param(d[name])
        return ret

    def repeat(self, n_repeat, mode='init'):
        """A Sequential of `n_repeat` copies of this link (see `copy` for the modes)."""
        from chainfuse.links.sequential import Sequential
        ret = Sequential()
        if n_repeat <= 0:
            return ret
        _check_mode(mode)
        for _ in range(n_repeat):
            ret.append(self.copy(mode))
        return ret

    # ---- serialization ----
    def serialize(self, serializer):
        """Saves or loads parameters and persistents through `serializer`.

        For each parameter ``serializer(name, array)``: a loader may return an array
        for an uninitialized parameter, which is then initialized from its shape and
        filled.  For each persistent ``serializer(name, value)``: a returned array is
        copied into the existing array (so its identity is kept), anything else
        replaces the attribute; None leaves it unchanged.
        """
        d = self.__dict__
        for name in sorted(self._params):
            self._serialize_param(serializer, name, d[name])
        for name in sorted(self._persistent):
            value = d[name]
            new = serializer(name, value)
            if new is None or new is value:
                continue
            if backend.is_array(value) and backend.is_array(new) and value.shape == new.shape:
                _copy_array_into(value, new)
            else:
                d[name] = self._device.send(new) if backend.is_array(new) else new
                note_attr_write()
        for name, child in self._named_children():
            child.serialize(serializer[name])

    @staticmethod
    def _serialize_param(serializer, name, param):
        data = serializer(name, param._data)
        if data is None or data is param._data or not backend.is_array(data):
            return
        if param._data is None:
            param.initialize(data.shape)
        if tuple(param._data.shape) != tuple(data.shape):
            raise ValueError(f'serialize: parameter {name} has shape {param._data.shape} '
                             f'but the serializer gave shape {data.shape}')
        _copy_array_into(param._data, data)

    # ---- printing ----
    @property
    def printable_specs(self):
        """(name, value) pairs shown by str(link); layers list their constructor args."""
        return iter(())

    def __str__(self):
        children = self._named_children()
        if not children:
            specs = ', '.join(f'{k}={v}' for k, v in self.printable_specs)
            return f'{type(self).__name__}({specs})'
        lines = []
        for name, child in children:
            lines += ['  ' + line for line in f'({name}): {child},'.splitlines()]
        return f'{type(self).__name__}(\n' + '\n'.join(lines) + '\n)'


def _is_shape_dtype(value):
    return (isinstance(value, tuple) and len(value) == 2 and
            not isinstance(value[1], (int, numpy.integer)) and value[1] is not None)


class Chain(Link):
    """A link with named child links, registered by assignment inside `init_scope`.

    Example::

        class MLP(chainfuse.Chain):
            def __init__(self):
                super().__init__()
                with self.init_scope():
                    self.l1 = L.Linear(None, 100)
                    self.l2 = L.Linear(100, 10)

            def forward(self, x):
                return self.l2(F.relu(self.l1(x)))

    Chainer's older form ``super().__init__(l1=L.Linear(...), ...)`` registers the
    keyword arguments as children too.  Paths of descendants are prefixed with the
    child's name: ``/l1/W``.
    """

    def __init__(self, **links):
        super().__init__()
        self.__dict__['_children'] = set()
        for name, link in links.items():
            self.add_link(name, link)

    def __getitem__(self, name):
        """``chain['l1']`` is ``chain.l1``."""
        return getattr(self, name)

    def __setattr__(self, name, value):
        if self.within_init_scope and isinstance(value, Link):
            if hasattr(self, name):
                raise AttributeError(f'cannot register a new link {name}: attribute exists')
            value.name = name
            if self._device != backend.CPU:
                value.to_device(self._device)
            self._children.add(name)
            _bump()
        elif name in self.__dict__.get('_children', ()):
            _bump()
        super().__setattr__(name, value)

    def __delattr__(self, name):
        self._children.discard(name)
        _bump()
        super().__delattr__(name)

    def add_link(self, name, link):
        """Registers `link` as child `name` (same as assigning it inside init_scope)."""
        if name in self.__dict__:
            raise AttributeError(f'cannot register a new link {name}: attribute exists')
        if not isinstance(link, Link):
            raise TypeError(f'cannot register a non-link object ({type(link).__name__}) '
                            f'as child {name}')
        with self.init_scope():
            setattr(self, name, link)

    def _named_children(self):
        d = self.__dict__
        return [(name, d[name]) for name in sorted(self._children)]

    def _copy_shared(self):
        ret = super()._copy_shared()
        d = ret.__dict__
        d['_children'] = set(self._children)
        for name in ret._children:
            child = d[name].copy('share')
            child.name = name
            d[name] = child
        return ret


class ChainList(Link):
    """A link holding an ordered list of child links, named by index (``/0/W``).

    It behaves like a list: ``chain[i]``, ``len(chain)``, iteration, `append`,
    `insert`, `extend`, `pop`, `del chain[i]`.
    """

    def __init__(self, *links):
        super().__init__()
        self.__dict__['_children'] = []
        for link in links:
            self.add_link(link)

    def __setattr__(self, name, value):
        if self.within_init_scope and isinstance(value, Link):
            raise TypeError('cannot register a new link within a "with chainlist.init_scope():" '
                            'block; use chainlist.append(link)')
        super().__setattr__(name, value)

    def _renumber(self):
        # every change of the list ends here
        for i, child in enumerate(self._children):
            child.name = str(i)
        _bump()

    def _adopt(self, link):
        if not isinstance(link, Link):
            raise TypeError(f'{type(self).__name__} holds Links only, got '
                            f'{type(link).__name__}')
        if self._device != backend.CPU:
            link.to_device(self._device)
        return link

    def __getitem__(self, index):
        return self._children[index]

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            self._children[index] = [self._adopt(v) for v in value]
        else:
            self._children[index] = self._adopt(value)
        self._renumber()

    def __delitem__(self, index):
        del self._children[index]
        self._renumber()

    def __iter__(self):
        return iter(self._children)

    def __len__(self):
        return len(self._children)

    def insert(self, index, link):
        self._children.insert(index, self._adopt(link))
        self._renumber()

    def append(self, link):
        self.insert(len(self._children), link)

    def add_link(self, link):
        """Appends `link` (Chainer's older name for append)."""
        self.append(link)

    def extend(self, links):
        for link in links:
            self.append(link)

    def pop(self, index=-1):
        link = self._children[index]
        del self[index]
        return link

    def index(self, link):
        return self._children.index(link)

    def _named_children(self):
        return [(str(i), child) for i, child in enumerate(self._children)]

    def _copy_shared(self):
        ret = super()._copy_shared()
        ret.__dict__['_children'] = [child.copy('share') for child in self._children]
        ret._renumber()
        return ret

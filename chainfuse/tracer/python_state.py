"""The Python-side state a trace depends on: guarded, replayed, or refused.

A trace records the ops a call applies, but the call also reads and writes Python
state the graph cannot hold.  While a call is traced a `Watcher` is installed and
sees, through hooks that cost nothing once tracing is over:

- every attribute read of a Link (``Link.__getattribute__`` exists only while a trace
  runs) and every attribute write (`Link.__setattr__` reports it);
- every ``config.<name>`` read;
- every Python function the call runs (a profile function): the module globals its
  code reads and assigns, the environment variables the user's code reads through
  ``os.environ`` (``os._Environ``'s methods are Python functions), and calls whose
  effects a replay would not repeat or values it would freeze:
  ``print``, ``open``, writes to files, ``logging``, clocks (``time.time()``,
  ``time.perf_counter()``...) and ``os.urandom``, and draws from random
  generators (numpy's, Python's ``random``) other than those `chainfuse.random`
  makes itself and reports (``on_draw``: random op keys, initial parameter values).

When the trace ends, what it saw becomes:

- `Guards`, checked before every replay: each Link attribute, global, closure cell,
  config entry and environment variable (``os.environ[...]``, ``os.getenv``) the call
  read must still have the value it had (by `guard_key`:
  type and value for scalars, strings and tuples; shape and dtype for Variables and
  arrays, which are fed to the graph as inputs; identity for functions, classes and
  Links).  A failing guard retraces, and its message is the retrace reason
  (``attribute /predictor/scale changed 2.0 -> 3.0``).  Link attribute guards are
  skipped while no Link attribute has been written since they last held
  (`attr_writes`), so the common call costs a counter comparison;
- *effects*, replayed after every run: a Variable (or traced array) assigned to a
  Link attribute becomes an extra graph output assigned again after each replay
  (``self.loss``, LSTM's ``self.h``); a constant assigned without reading the old
  value (``self.y = None``) is assigned again;
- a `GraphBreak` for everything else: a non-Variable attribute computed from its own
  old value (``self.n += 1``), an object or container changed in place, an assigned
  global, and the calls listed above, each named with the user's line.  The break
  is raised where the effect happens, before it happens, so the eager run that
  follows performs it exactly once.

Variables read from Link attributes before the call writes them (LSTM state carried
from the previous call) become graph inputs, so their values are read at every call
and gradients flow back through them into the call that produced them.
"""
import builtins
import collections.abc
import copy
import importlib.util
import io
import os
import random as pyrandom
import sys
import threading
import time
import types
from operator import is_

import numpy

from chainfuse import backend
from chainfuse.config import LocalConfig, config
from chainfuse.core.variable import Parameter, Variable
from chainfuse.links import link as link_module
from chainfuse.tracer.errors import GraphBreak, is_user_file, user_location


class _Missing:
    def __repr__(self):
        return '<unset>'


MISSING = _Missing()

# bookkeeping of Link itself, never state of the model's computation
_INTERNAL = frozenset({'_params', '_persistent', '_children', '_within_init_scope',
                       '_device', 'name', '_chainfuse_compiled', '_chainfuse_static',
                       'within_init_scope'})
# config entries that are part of every signature already
_SIGNATURE_CONFIG = frozenset({'train', 'enable_backprop', 'compile'})
_SIMPLE = (type(None), bool, int, float, complex, str, bytes, _Missing)
_IDENTITY = (type, type(len), type(_Missing.__repr__), type(sys), type(numpy.add),
             link_module.Link, Parameter)


def attr_writes():
    """How many Link attribute writes have happened in this process."""
    return link_module.attr_writes()


# ---- guard keys ----

def guard_key(value):
    """``(key, volatile)``: a trace made while a name held `value` is valid while it
    holds a value of equal key.  Volatile keys can change without an attribute write
    (a list appended to, a plain object's attribute set)."""
    t = type(value)
    if t is float:
        return ('float', value.hex()), False      # -0.0 != 0.0, nan == nan
    if t in _SIMPLE:
        return (t, value), False                  # True and 1 differ by type
    if isinstance(value, numpy.generic):
        return ('np', value.dtype.str, value.tobytes()), False
    if isinstance(value, numpy.dtype):
        return ('dtype', value.str), False
    if t is tuple or t is frozenset:
        keys = [guard_key(v) for v in value]
        return (t, tuple(k for k, _ in keys)), any(v for _, v in keys)
    if t in (list, dict, set):
        items = value.items() if t is dict else value
        if t is dict:
            keys = [(guard_key(k)[0], guard_key(v)) for k, v in items]
            return (t, id(value), tuple((k, v[0]) for k, v in keys)), True
        keys = [guard_key(v) for v in items]
        return (t, id(value), tuple(k for k, _ in keys)), True
    if isinstance(value, Parameter) or isinstance(value, _IDENTITY):
        return ('id', id(value)), False
    if isinstance(value, Variable):
        data = value._data
        aval = None if data is None else (data.shape, data.dtype.str)
        return ('var', aval, value.requires_grad), False
    if isinstance(value, numpy.ndarray) or backend.is_cupy_array(value):
        return ('array', value.shape, value.dtype.str), False
    bound = getattr(value, '__self__', None)
    if bound is not None and hasattr(value, '__func__'):
        return ('method', id(bound), id(value.__func__)), False
    state = getattr(value, '__dict__', None)
    if state is None or callable(value) and not state:
        return ('id', id(value)), False
    simple = tuple((k, guard_key(v)[0]) for k, v in sorted(state.items())
                   if type(v) in _SIMPLE or type(v) is tuple)
    return ('obj', id(value), simple), True


def describe(value):
    """A short description of a value for retrace reasons and errors."""
    if isinstance(value, Variable):
        data = value._data
        return 'a Variable' if data is None else \
            f'a Variable of shape {data.shape} ({data.dtype})'
    if isinstance(value, numpy.ndarray) or backend.is_cupy_array(value):
        return f'an array of shape {value.shape} ({value.dtype})'
    if type(value) in _SIMPLE or isinstance(value, (tuple, numpy.generic, numpy.dtype)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + '...'
    return f'{type(value).__name__} object'


def _lookup(link, name):
    d = link.__dict__
    if name in d:
        return d[name]
    return getattr(type(link), name, MISSING)


def _members(value, key):
    """The items of a list or dict guarded by `key`, when each is immutable (its key is
    not volatile): while the container is the same object and holds these very items,
    its key is unchanged, which an identity test per item shows without computing a
    key.  None for anything else (the key is then recomputed)."""
    t = type(value)
    if t is list:
        items = tuple(value)
        flat = items
    elif t is dict:
        items = (tuple(value), tuple(value.values()))
        flat = items[0] + items[1]
    else:
        return None
    if any(guard_key(v)[1] for v in flat) or guard_key(value)[0] != key:
        return None
    return items


def _holds(now, value, items):
    """Whether `now` is the guarded container `value` holding the `_members` `items`."""
    if now is not value or items is None:
        return False
    if type(now) is dict:
        keys, values = items
        return len(now) == len(keys) and all(map(is_, now, keys)) and \
            all(map(is_, now.values(), values))
    return len(now) == len(items) and all(map(is_, now, items))


# ---- environment variables ----

_ENV_READS = {_name: getattr(type(os.environ), _name).__code__
              for _name in ('__getitem__', '__iter__', '__len__', 'copy')}
_ENV_KEY_READ = _ENV_READS['__getitem__']
# the files of os._Environ's methods and of the Mapping methods and os.getenv that call
# them (``<frozen os>`` when the standard library is frozen)
_ENV_FILES = {_ENV_KEY_READ.co_filename, os.getenv.__code__.co_filename,
              collections.abc.Mapping.get.__code__.co_filename}


def _env_value(env, key):
    """What a guard on `env` compares: ``env[key]`` (MISSING when unset), or a dict copy
    of the whole mapping for key None."""
    if key is None:
        return dict(env)
    return env.get(key, MISSING)


def _env_where(env, key):
    name = 'os.environb' if env is getattr(os, 'environb', None) else 'os.environ'
    return name if key is None else f'{name}[{key!r}]'


def _env_describe(value):
    if value is MISSING:
        return 'unset'
    if isinstance(value, dict):
        return f'{len(value)} variables'
    return repr(value)


class Guards:
    """The Python-side conditions of one trace (see the module docstring).

    A volatile guard (a list or dict the call read, which can change without an
    attribute write) is checked at every call; while it is the same container holding
    the same immutable items (`_members`) that check is an identity test per item."""

    def __init__(self, attrs=(), globals_=(), cells=(), configs=(), environ=()):
        self.attrs = list(attrs)        # (link, name, key, value, where)
        self.globals = list(globals_)   # (dict, name, key, value, where, volatile)
        self.cells = list(cells)        # (cell, key, value, where, volatile)
        self.configs = list(configs)    # (name, key, value)
        # (mapping, key, value): os.environ[key] as read (MISSING: unset); key None: the
        # whole mapping, iterated (value: a dict copy of it)
        self.environ = list(environ)
        self.volatile = False
        self.validated_at = None
        self.watched = set()            # (id(link), name) of every guarded attribute
        # per guard: the container's immutable items (`_members`), set by finalize
        self.attr_items = [None] * len(self.attrs)
        self.global_items = [None] * len(self.globals)
        self.cell_items = [None] * len(self.cells)

    def finalize(self, volatile):
        self.volatile = volatile
        self.watched = {(id(link), name) for link, name, _, _, _ in self.attrs}
        self.attr_items = [_members(value, key) for _, _, key, value, _ in self.attrs]
        self.global_items = [_members(value, key) if volatile else None
                             for _, _, key, value, _, volatile in self.globals]
        self.cell_items = [_members(value, key) if volatile else None
                           for _, key, value, _, volatile in self.cells]
        return self

    def __len__(self):
        return len(self.attrs) + len(self.globals) + len(self.cells) + len(self.configs) + \
            len(self.environ)

    def check(self):
        """None while every guard holds; else the reason the first one does not."""
        for name, key, value in self.configs:
            now = getattr(config, name, MISSING)
            if now is not value and guard_key(now)[0] != key:
                return f'config.{name} changed {describe(value)} -> {describe(now)}'
        writes = link_module.attr_writes()
        if self.volatile or self.validated_at != writes:
            for (link, name, key, value, where), items in zip(self.attrs, self.attr_items):
                now = _lookup(link, name)
                if not _holds(now, value, items) and guard_key(now)[0] != key:
                    return f'attribute {where} changed {describe(value)} -> {describe(now)}'
            self.validated_at = writes
        for (d, name, key, value, where, volatile), items in zip(self.globals,
                                                                 self.global_items):
            now = d.get(name, MISSING)
            if (volatile or now is not value) and not _holds(now, value, items) and \
                    guard_key(now)[0] != key:
                return f'global {where} changed {describe(value)} -> {describe(now)}'
        for (cell, key, value, where, volatile), items in zip(self.cells, self.cell_items):
            now = cell.cell_contents
            if (volatile or now is not value) and not _holds(now, value, items) and \
                    guard_key(now)[0] != key:
                return f'closure variable {where} changed {describe(value)} -> ' \
                       f'{describe(now)}'
        for env, key, value in self.environ:
            now = _env_value(env, key)
            if now != value:
                return f'{_env_where(env, key)} changed {_env_describe(value)} -> ' \
                       f'{_env_describe(now)}'
        return None

    def after_effects(self, written):
        """The replay just assigned the attributes `written` ((id(link), name) pairs):
        if this trace reads none of them its attribute guards still hold."""
        if self.validated_at is not None and not (self.watched & written):
            self.validated_at = link_module.attr_writes()

    def describe(self):
        lines = [f'  attribute {w} = {describe(v)}' for _, _, _, v, w in self.attrs]
        lines += [f'  global {w} = {describe(v)}' for _, _, _, v, w, _ in self.globals]
        lines += [f'  closure {w} = {describe(v)}' for _, _, v, w, _ in self.cells]
        lines += [f'  config.{n} = {describe(v)}' for n, _, v in self.configs]
        lines += [f'  {_env_where(e, k)} = {_env_describe(v)}' for e, k, v in self.environ]
        return '\n'.join(lines)


# ---- what the watcher records ----

class _Read:
    __slots__ = ('link', 'name', 'value', 'key', 'volatile', 'where', 'handed', 'loc')

    def __init__(self, link, name, value, where, handed, loc):
        self.link, self.name, self.value, self.where = link, name, value, where
        self.key, self.volatile = guard_key(value)
        self.handed = handed
        self.loc = loc


class _Write:
    __slots__ = ('link', 'name', 'old', 'value', 'loc', 'where')

    def __init__(self, link, name, old, value, loc, where):
        self.link, self.name, self.old, self.value = link, name, old, value
        self.loc, self.where = loc, where


_CODE_NAMES = {}


def _generated(frame):
    """Whether `frame` runs code a library generated from a string (a namedtuple's
    ``__new__``, file ``<string>``): its globals are the library's, not the user's."""
    return frame.f_code.co_filename == '<string>' and \
        frame.f_globals.get('__name__', '').startswith('namedtuple_')


def _global_names(code):
    """(names loaded, names stored, (name, attribute) pairs read) as globals by `code`:
    the pairs are ``module.NAME`` reads, a global followed by an attribute load."""
    names = _CODE_NAMES.get(code)
    if names is None:
        import dis
        loads, stores, attrs = set(), set(), set()
        previous = None
        for ins in dis.get_instructions(code):
            if ins.opname == 'LOAD_GLOBAL':
                loads.add(ins.argval)
            elif ins.opname in ('STORE_GLOBAL', 'DELETE_GLOBAL'):
                stores.add(ins.argval)
            elif ins.opname == 'LOAD_ATTR' and previous is not None and \
                    previous.opname == 'LOAD_GLOBAL':
                attrs.add((previous.argval, ins.argval))
            if ins.opname not in ('CACHE', 'EXTENDED_ARG'):
                previous = ins
        names = _CODE_NAMES[code] = (frozenset(loads), frozenset(stores), frozenset(attrs))
    return names


# calls into these modules from the user's code are effects (found without importing them)
_EFFECT_FILES = {importlib.util.find_spec('logging').origin: 'logging',
                 pyrandom.__file__: "Python's random module"}
_RANDOM_TYPES = (pyrandom.Random, numpy.random.RandomState, numpy.random.Generator,
                 numpy.random.BitGenerator)
# builtins whose value changes from call to call: a trace would keep the one it read
_CLOCKS = frozenset(getattr(time, name) for name in (
    'time', 'time_ns', 'perf_counter', 'perf_counter_ns', 'monotonic', 'monotonic_ns',
    'process_time', 'process_time_ns', 'thread_time', 'thread_time_ns')
    if hasattr(time, name)) | {os.urandom}


def _effect_of_builtin(fn):
    """What calling the builtin `fn` would do that a replay cannot repeat, or None."""
    if fn is builtins.print:
        return 'print()'
    if fn is builtins.open or fn is builtins.input:
        return f'{fn.__name__}()'
    if fn in _CLOCKS:
        module = 'os' if fn is os.urandom else 'time'
        return (f'{module}.{fn.__name__}() (its value changes from call to call; a replay '
                'would reuse the one read when the call was traced)')
    owner = getattr(fn, '__self__', None)
    if owner is None:
        return None
    if isinstance(owner, _RANDOM_TYPES):
        return (f'{type(owner).__name__}.{fn.__name__}() (a random generator outside '
                'chainfuse: its numbers would be the same at every replay; use F.dropout, '
                'chainfuse.functions random ops or chainfuse.random instead)')
    if isinstance(owner, io.IOBase) and fn.__name__ in ('write', 'writelines'):
        return 'writing to a file or stream'
    return None


_active = None


def active():
    """The watcher of the trace running in this thread, or None."""
    w = _active
    if w is not None and w.thread == threading.get_ident():
        return w
    return None


def _watched_getattribute(self, name):
    value = object.__getattribute__(self, name)
    w = _active
    if w is not None and w.thread == threading.get_ident() and name[:2] != '__':
        return w.on_read(self, name, value)
    return value


class Watcher:
    """Installed for the duration of one trace (see the module docstring)."""

    def __init__(self, recorder, link, fn, allow_side_effects=False):
        self.rec = recorder
        self.allow = allow_side_effects
        self.thread = threading.get_ident()
        self.paths = {}
        if link is not None and hasattr(link, 'namedlinks'):
            self.paths = {id(sub): path.rstrip('/') for path, sub in link.namedlinks()}
        self.reads = {}
        self.writes = {}
        self.globals = {}        # (id(dict), name) -> [dict, name, value, key, volatile]
        self.stores = {}         # (id(dict), name) -> [dict, name, value before]
        self.configs = {}
        self.environ = {}        # (id(mapping), key) -> (mapping, key, value as read)
        self.codes = set()
        self.broken = None
        self.accepted = set()      # (id(link), name) of effects allow_side_effects accepted
        self.snapshots = {}        # id(object) -> (object, copy): restored on a break
        self.generators = {}       # id(generator) -> (generator, state, where)
        self.expected = {}         # id(generator) -> its state after chainfuse's own draws
        self.cells = self._cells(fn)
        self.frozen = []           # numpy arrays marked read-only for the trace (`freeze`)
        self._saved = None

    # ---- install / uninstall ----
    def __enter__(self):
        global _active
        for _, _, value, name, _ in self.cells:     # before any hook is installed
            self._refuse_iterator(value, f'closure variable {name}')
        for gen, where in ((pyrandom._inst, "Python's random module"),
                           (numpy.random.mtrand._rand, "numpy's global random generator")):
            self.generators[id(gen)] = (gen, _rng_state(gen), where)
        self._saved = (_active, self.rec.watcher,
                       LocalConfig.__dict__.get('__getattr__'), sys.getprofile())
        self.rec.watcher = self       # the recorder's on_attr_write reaches on_write
        _active = self
        link_module.Link.__getattribute__ = _watched_getattribute
        original = self._saved[2]

        def watched_config(cfg, name, _original=original):
            value = _original(cfg, name)
            w = _active
            if w is not None and w.thread == threading.get_ident():
                w.on_config(name, value)
            return value
        LocalConfig.__getattr__ = watched_config
        for _, _, value, _, _ in self.cells:
            self.freeze(value)
        sys.setprofile(self._profile)
        return self

    def _refuse_iterator(self, value, where):
        """An iterator held in Python state (``itertools.count()``, a generator, a file)
        changes when the call advances it, which a replay would not do, and its state
        cannot be read to guard or undo it: reading one is a graph break, before the
        call can advance it."""
        if not self.allow and hasattr(type(value), '__next__') and \
                not isinstance(value, (Variable, numpy.ndarray)):
            self._raise(f'the call reads the iterator {where} ({type(value).__name__}): '
                        'advancing it is a side effect a replay would not repeat; pass the '
                        'values it gives as arguments instead', user_location())

    # ---- arrays the call reads from Python state are read-only while it is traced ----
    def freeze(self, value):
        """Marks `value` read-only until `restore`, when it is a numpy array, or the
        numpy arrays a list, tuple or dict holds directly.  The call reads such an array
        as a graph input (parameters, persistents, globals, closure variables) or as a
        constant (an array in a container): a write into it would happen when the call
        is traced and never when it is replayed, so numpy refuses it where it is made
        and `chainfuse.tracer.trace` makes the refusal a GraphBreak at that line.  The
        writes the tracer records (`update_state`) lift the mark for their copy.  The
        mark is process-wide: another thread writing into such an array while a call
        is traced gets numpy's ValueError."""
        if isinstance(value, (list, tuple)):
            items = value
        elif isinstance(value, dict):
            items = list(value.values())
        else:
            items = (value,)
        for a in items:
            if type(a) is numpy.ndarray and a.flags.writeable:
                a.flags.writeable = False
                self.frozen.append(a)

    def __exit__(self, *exc):
        global _active
        sys.setprofile(self._saved[3])
        if self._saved[0] is None:      # the outermost watcher removes the hook
            del link_module.Link.__getattribute__
        LocalConfig.__getattr__ = self._saved[2]
        self.rec.watcher = self._saved[1]
        _active = self._saved[0]
        return False

    # ---- hooks ----
    def _where(self, link, name):
        path = self.paths.get(id(link))
        if path is None:
            return f'{type(link).__name__}.{name}'
        return f'{path}/{name}' if path else f'/{name}'

    def on_read(self, link, name, value):
        if name in _INTERNAL:
            return value
        k = (id(link), name)
        if k in self.writes:
            return value        # written by this call: the new value, not an input
        r = self.reads.get(k)
        if r is not None:
            return r.handed
        d = object.__getattribute__(link, '__dict__')
        if name not in d and (callable(value) or _is_descriptor(type(link), name)):
            return value        # methods and properties are code, not state
        if isinstance(value, link_module.Link) or isinstance(value, Parameter):
            return value        # structure: guarded by the link structure version
        where = self._where(link, name)
        handed = value
        if isinstance(value, Variable):
            self.rec.bind_attr_variable(link, name, value, where)
        elif _is_array(value) and name not in d.get('_persistent', ()):
            handed = self.rec.bind_attr_array(link, name, value, where)
        r = self.reads[k] = _Read(link, name, value, where, handed, user_location(3))
        self._remember(value, where, r.volatile)
        return handed

    def _remember(self, value, where, volatile):
        """Keeps what is needed to undo an in-place change of `value` (a container, a
        plain object, a random generator) if the trace breaks; refuses an iterator."""
        self._refuse_iterator(value, where)
        if isinstance(value, _RANDOM_TYPES):
            self.generators.setdefault(id(value), (value, _rng_state(value), where))
        elif volatile and id(value) not in self.snapshots:
            self.snapshots[id(value)] = (value, _shallow_copy(value))
            self.freeze(value)          # the arrays a container holds

    def on_write(self, link, name, value):
        if self.thread != threading.get_ident() or name in _INTERNAL:
            return
        k = (id(link), name)
        loc = user_location(3)
        w = self.writes.get(k)
        if w is None:
            w = self.writes[k] = _Write(link, name, link.__dict__.get(name, MISSING), value,
                                        loc, self._where(link, name))
        else:
            w.value, w.loc = value, loc
        r = self.reads.get(k)
        if r is not None and not _traced_value(value) and value is not r.value and \
                guard_key(value)[0] != r.key:
            if self.allow:
                self.accepted.add(k)    # a trace-time-only effect, knowingly
                return
            self._raise(f'the forward sets {w.where} to {describe(value)} computed from its '
                        'previous value; a replay would not repeat this Python-side effect '
                        '(keep counters outside the compiled call, or pass '
                        'allow_side_effects=True to accept it happening at trace time '
                        'only)', loc)

    def on_draw(self, generator, before, after):
        """chainfuse drew from a watched `generator` on purpose (`chainfuse.random`: a
        random op's key, a lazily created parameter's initial values), moving its state
        from `before` to `after`.  If nothing else drew since the trace started (or
        since chainfuse's previous draw), `after` becomes the state the end of the trace
        expects; otherwise the expectation stays behind and the end check breaks."""
        entry = self.generators.get(id(generator))
        if entry is None or self.thread != threading.get_ident():
            return
        if _rng_equal(self.expected.get(id(generator), entry[1]), before):
            self.expected[id(generator)] = after

    def on_config(self, name, value):
        if name not in _SIGNATURE_CONFIG and name not in self.configs:
            self.configs[name] = value

    def _profile(self, frame, event, arg):
        # called for every Python and C call while tracing: the cheap tests come first
        if event == 'c_call':
            if not self.allow and is_user_file(frame.f_code.co_filename):
                what = _effect_of_builtin(arg)
                if what is not None:
                    self._raise(f'{what} in a compiled call would run only when it is '
                                'traced', _frame_loc(frame))
        elif event == 'call':
            code = frame.f_code
            if code.co_filename in _ENV_FILES and code in _ENV_READS.values():
                self._on_environ(frame, code)
            if code not in self.codes:
                self.codes.add(code)
                if is_user_file(code.co_filename) and not _generated(frame):
                    self._watch_globals(frame, code)
            what = _EFFECT_FILES.get(code.co_filename)
            if what is not None and not self.allow and frame.f_back is not None and \
                    is_user_file(frame.f_back.f_code.co_filename):
                self._raise(f'{what} ({code.co_name}) in a compiled call would run only '
                            'when it is traced', _frame_loc(frame.f_back))

    def _on_environ(self, frame, code):
        """An ``os._Environ`` method reads the environment: when the user's code asked
        (through ``os.getenv`` or a Mapping method in between), the variable read -- or
        the whole mapping, for iteration -- is guarded with its current value."""
        caller = frame.f_back
        while caller is not None and caller.f_code.co_filename in _ENV_FILES:
            caller = caller.f_back
        if caller is None or not is_user_file(caller.f_code.co_filename):
            return
        env = frame.f_locals.get('self')
        if not isinstance(env, os._Environ):
            return
        key = frame.f_locals.get('key') if code is _ENV_KEY_READ else None
        k = (id(env), key)
        if k not in self.environ:
            self.environ[k] = (env, key, _env_value(env, key))

    def _raise(self, reason, loc):
        e = GraphBreak(reason, loc)
        if self.broken is None:
            self.broken = e
        raise e

    def _watch_globals(self, frame, code):
        d = frame.f_globals
        loads, stores, attrs = _global_names(code)
        module = d.get('__name__', '?')
        for name in loads:
            self._watch_global(d, name, f'{module}.{name}')
        for name, attr in attrs:
            # ``settings.SCALE`` of a module of the user's: its attribute is guarded as a
            # global of that module (library modules' attributes are code and constants)
            value = d.get(name)
            file = getattr(value, '__file__', None)
            if isinstance(value, types.ModuleType) and isinstance(file, str) and \
                    is_user_file(file):
                self._watch_global(value.__dict__, attr, f'{value.__name__}.{attr}')
        for name in stores:
            self.stores.setdefault((id(d), name), (d, name, d.get(name, MISSING),
                                                   f'{module}.{name}',
                                                   _frame_loc(frame)))

    def _watch_global(self, d, name, where):
        """Guards the global `name` of namespace `d` (a module's dict) as the call read
        it; an array there is a graph input, read at every call."""
        k = (id(d), name)
        if k in self.globals:
            return
        value = d.get(name, MISSING)
        key, volatile = guard_key(value)
        self.globals[k] = (d, name, key, value, where, volatile)
        self._remember(value, where, volatile)
        if _is_array(value):    # read at every call, like an attribute array
            self.rec.register_input(value, f'global:{where}', ('global', d, name))
            self.freeze(value)

    def _cells(self, fn):
        """The closure cells of the traced function (a partial's or method's function)."""
        target = getattr(fn, 'func', fn)
        target = getattr(target, '__func__', target)
        code = getattr(target, '__code__', None)
        closure = getattr(target, '__closure__', None) or ()
        if code is None:
            return []
        out = []
        for name, cell in zip(code.co_freevars, closure):
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, link_module.Link):
                continue
            key, volatile = guard_key(value)
            out.append((cell, key, value, name, volatile))
            if _is_array(value):
                self.rec.register_input(value, f'closure:{name}', ('cell', cell))
        return out

    # ---- the end of the trace ----
    def finish(self, leaves):
        """Checks what the call did to Python state and returns the effects to replay:
        ``[(link, name, kind, payload)]`` with kind ``'result'`` (payload: index of
        the result output) or ``'const'`` (payload: the value, or a function giving
        it).  Raises GraphBreak for effects that cannot be replayed."""
        if self.broken is not None:
            raise self.broken       # a hook's break that the user's code swallowed
        self._check_side_effects()
        returned = {id(y): i for i, (_, y) in enumerate(leaves)}
        return [e for e in (self._effect(w, returned) for w in self.writes.values())
                if e is not None]

    def _check_side_effects(self):
        if self.allow:
            return
        for r in self.reads.values():
            if r.volatile and guard_key(_lookup(r.link, r.name))[0] != r.key and \
                    (id(r.link), r.name) not in self.writes:
                raise GraphBreak(f'the forward changed {r.where} ({describe(r.value)}) in '
                                 'place; a replay would not repeat it', r.loc or user_location())
        for d, name, before, where, loc in self.stores.values():
            now = d.get(name, MISSING)
            if now is not before:
                raise GraphBreak(f'the forward assigns the global {where}; a replay would '
                                 'not repeat this side effect', loc)
        for d, name, key, value, where, volatile in self.globals.values():
            if volatile and guard_key(d.get(name, MISSING))[0] != key:
                raise GraphBreak(f'the forward changed the global {where} in place; a '
                                 'replay would not repeat it')
        for gen, state, where in self.generators.values():
            if not _rng_equal(_rng_state(gen), self.expected.get(id(gen), state)):
                raise GraphBreak(f'the forward drew numbers from {where} (a random generator '
                                 'outside chainfuse): a replay would draw the same numbers '
                                 'again; use F.dropout or chainfuse.random instead')

    def undo(self):
        """After a break: puts back what the traced call changed in place (containers,
        objects, random generators), so the eager run that follows does it once."""
        for obj, saved in self.snapshots.values():
            _restore_copy(obj, saved)
        for gen, state, _ in self.generators.values():
            _set_rng_state(gen, state)

    def _effect(self, w, returned):
        v = w.value
        if v is w.old or (id(w.link), w.name) in self.accepted:
            return None
        if isinstance(v, Variable):
            if id(v) in returned:
                return (w.link, w.name, 'result', returned[id(v)])
            value = self.rec._var_values.get(id(v))
            if value is not None:
                return (w.link, w.name, 'result', self.rec.add_attr_output(value, w.where))
            if v.creator is None and not v.requires_grad and v._data is not None:
                data = v._data.copy()
                return (w.link, w.name, 'const',
                        lambda data=data: Variable(data.copy(), requires_grad=False))
            return self._refuse(w, 'a Variable computed outside the traced call')
        if _is_array(v):
            value = self.rec.array_value(v)
            if value is not None:
                return (w.link, w.name, 'array', self.rec.add_attr_output(value, w.where))
            data = v.copy()
            return (w.link, w.name, 'const', lambda data=data: data.copy())
        if _replayable_value(v):
            return (w.link, w.name, 'const', v)
        return self._refuse(w, describe(v))

    def _refuse(self, w, what):
        if self.allow:
            return None
        raise GraphBreak(f'the forward stores {what} in {w.where}; a replay cannot repeat '
                         'this assignment', w.loc)

    def restore(self):
        """Undoes the attribute writes the traced call made (the compiled run redoes
        them; an eager fallback starts from the state the caller left), and lifts the
        read-only marks of `freeze`."""
        for a in self.frozen:
            a.flags.writeable = True
        self.frozen = []
        for w in reversed(list(self.writes.values())):
            if self.allow and not isinstance(w.value, Variable) and not _is_array(w.value):
                continue        # accepted as a trace-time-only effect
            d = w.link.__dict__
            if w.old is MISSING:
                d.pop(w.name, None)
            else:
                d[w.name] = w.old
        if self.writes:
            link_module.note_attr_write()

    def guards(self):
        attrs = [(r.link, r.name, r.key, r.value, r.where) for k, r in self.reads.items()
                 if k not in self.accepted]
        globals_ = list(self.globals.values())
        configs = [(n, guard_key(v)[0], v) for n, v in self.configs.items()]
        g = Guards(attrs, globals_, self.cells, configs, list(self.environ.values()))
        volatile = any(r.volatile for r in self.reads.values())
        return g.finalize(volatile)


_is_array = backend.is_array


def _traced_value(v):
    return isinstance(v, Variable) or _is_array(v)


def _rng_state(gen):
    if isinstance(gen, pyrandom.Random):
        return gen.getstate()
    if isinstance(gen, numpy.random.RandomState):
        return gen.get_state()
    bits = gen.bit_generator if isinstance(gen, numpy.random.Generator) else gen
    return copy.deepcopy(bits.state)


def _set_rng_state(gen, state):
    if isinstance(gen, pyrandom.Random):
        gen.setstate(state)
    elif isinstance(gen, numpy.random.RandomState):
        gen.set_state(state)
    else:
        bits = gen.bit_generator if isinstance(gen, numpy.random.Generator) else gen
        bits.state = state


def _rng_equal(a, b):
    if isinstance(a, tuple) and len(a) == 5 and isinstance(a[1], numpy.ndarray):
        return a[0] == b[0] and a[2:] == b[2:] and numpy.array_equal(a[1], b[1])
    return a == b


def _shallow_copy(value):
    if isinstance(value, (list, dict, set)):
        return copy.copy(value)
    return dict(getattr(value, '__dict__', {}))


def _restore_copy(obj, saved):
    if isinstance(obj, list):
        obj[:] = saved
    elif isinstance(obj, (dict, set)):
        obj.clear()
        obj.update(saved)
    elif hasattr(obj, '__dict__'):
        obj.__dict__.clear()
        obj.__dict__.update(saved)


def _replayable_value(v):
    key, volatile = guard_key(v)
    return not volatile and key[0] in (type(None), bool, int, float, complex, str, bytes,
                                       'float', 'np', 'dtype', tuple, frozenset)


def _is_descriptor(cls, name):
    for klass in cls.__mro__:
        if name in klass.__dict__:
            attr = klass.__dict__[name]
            return hasattr(type(attr), '__get__') and not isinstance(attr, _SIMPLE)
    return False


def _frame_loc(frame):
    return f'{frame.f_code.co_filename}:{frame.f_lineno}'

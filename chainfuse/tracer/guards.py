"""Signatures, pytrees and the per-function cache of traces.

A trace is valid for calls with the same *signature*: each array argument's shape,
dtype, device and whether it requires grad; every other argument by value; and
``config.train`` / ``config.enable_backprop``.  `TraceCache` keeps one trace per
signature (so alternating train/test calls each reuse their own), records why each
miss happened ("arg x shape (100, 784) -> (37, 784)"), and after `max_retraces`
misses gives up on tracing that function.
"""
import numpy

from chainfuse import backend
from chainfuse.config import config
from chainfuse.core.variable import Variable


_is_array = backend.is_array


def _is_leaf(x):
    return isinstance(x, Variable) or _is_array(x)


def flatten(obj, path=()):
    """Returns ([(path, leaf)], tree): leaves are Variables/arrays; the tree keeps the
    rest (containers and static values) to rebuild the structure with `unflatten`."""
    if _is_leaf(obj):
        return [(path, obj)], ('*',)
    if isinstance(obj, (tuple, list)):
        leaves, subtrees = [], []
        for i, e in enumerate(obj):
            lv, t = flatten(e, path + (i,))
            leaves += lv
            subtrees.append(t)
        return leaves, (type(obj), tuple(subtrees))
    if isinstance(obj, dict):
        leaves, subtrees = [], []
        for k in obj:
            lv, t = flatten(obj[k], path + (k,))
            leaves += lv
            subtrees.append((k, t))
        return leaves, (dict, tuple(subtrees))
    return [], ('=', obj)


def unflatten(tree, leaves):
    it = iter(leaves)

    def build(t):
        tag = t[0]
        if tag == '*':
            return next(it)
        if tag == '=':
            return t[1]
        if tag is dict:
            return {k: build(s) for k, s in t[1]}
        return tag(build(s) for s in t[1])
    return build(tree)


def _static(value):
    """The key of a non-array argument: equal for values a call cannot tell apart, so
    ``1`` and ``True``, or ``0.0`` and ``-0.0``, are different keys."""
    t = type(value)
    if t is float:
        return ('float', value.hex())
    if t in (bool, int, str, bytes, type(None)):
        return (t.__name__, value)
    if t in (tuple, list):
        return (t.__name__, tuple(_static(v) for v in value))
    if t is dict:
        return ('dict', tuple((_static(k), _static(v)) for k, v in value.items()))
    if isinstance(value, numpy.generic):
        return ('np', value.dtype.str, value.tobytes())
    if getattr(value, '__dict__', None):
        # a plain object (a config namespace...): its identity and simple attributes, so
        # changing one of them between calls retraces (Links, functions: identity)
        from chainfuse.tracer.python_state import guard_key
        return guard_key(value)[0]
    try:
        hash(value)
        return (t.__qualname__, value)
    except TypeError:
        return ('unhashable', type(value).__name__, id(value))


def _leaf_sig(x):
    data = x._data if isinstance(x, Variable) else x
    requires_grad = isinstance(x, Variable) and x.requires_grad
    device = 'cpu' if isinstance(data, numpy.ndarray) else f'gpu{data.device.id}'
    return ('array', tuple(data.shape), data.dtype.str, device, requires_grad)


_FLAT_TREES = {}


def signature(args, kwargs):
    """The guard key of a call: array avals/devices, static values and config."""
    if not kwargs and all(_is_leaf(x) for x in args):
        # the common call f(x, t): the same key as below, without walking a tree
        tree = _FLAT_TREES.get(len(args))
        if tree is None:
            tree = _FLAT_TREES[len(args)] = _static_tree(flatten((args, {}))[1])
        leaves = tuple(((0, i), _leaf_sig(x)) for i, x in enumerate(args))
    else:
        flat, tree = flatten((args, kwargs))
        leaves = tuple((path, _leaf_sig(x)) for path, x in flat)
        tree = _static_tree(tree)
    return (leaves, tree, ('train', bool(config.train)),
            ('enable_backprop', bool(config.enable_backprop)))


def flat_matcher(sig):
    """For a `signature` of the common call ``f(x, t)`` (positional leaves, numpy arrays
    or Variables over them): a function ``match(args, kwargs)`` that says whether a
    call's signature equals `sig` without building it (the same fields `_leaf_sig`
    reads, and the same config flags); None for any other signature.  A call it cannot
    judge cheaply (another leaf type, keywords) does not match, and takes the full
    lookup."""
    leaves, tree = sig[0], sig[1]
    n = len(leaves)
    if tree != _FLAT_TREES.get(n) or any(path != (0, i) or leaf[3] != 'cpu'
                                         for i, (path, leaf) in enumerate(leaves)):
        return None
    expected = tuple((leaf[1], leaf[2], leaf[4]) for _, leaf in leaves)
    train, backprop = sig[2], sig[3]
    ndarray = numpy.ndarray

    def match(args, kwargs):
        if kwargs or len(args) != n:
            return False
        for x, (shape, dtype, requires_grad) in zip(args, expected):
            if type(x) is ndarray:
                if requires_grad:
                    return False
                data = x
            elif isinstance(x, Variable):
                data = x._data
                if type(data) is not ndarray or x.requires_grad != requires_grad:
                    return False
            else:
                return False
            if data.shape != shape or data.dtype.str != dtype:
                return False
        return ('train', bool(config.train)) == train and \
            ('enable_backprop', bool(config.enable_backprop)) == backprop
    return match


def batch_family(sig):
    """``(family, batch)`` of a `signature`: the signature with the leading dimension of
    every array argument that shares the first one's left out (rank, the other
    dimensions, dtypes and the rest stay), and that batch size; ``(None, None)`` when
    no array argument has a dimension.  Calls of one family differ only in their batch
    size (`TraceCache` keeps the batch sizes it has seen per family)."""
    leaves = sig[0]
    batch = next((leaf[1][0] for _, leaf in leaves if leaf[1]), None)
    if batch is None:
        return None, None
    blanked = tuple((path, (leaf[0], (None,) + leaf[1][1:]) + leaf[2:])
                    if leaf[1] and leaf[1][0] == batch else (path, leaf)
                    for path, leaf in leaves)
    return (blanked,) + sig[1:], batch


def leaf_at(args, kwargs, path):
    """The leaf of ``(args, kwargs)`` at a `flatten` path."""
    obj = (args, kwargs)
    for key in path:
        obj = obj[key]
    return obj


def _static_tree(tree):
    tag = tree[0]
    if tag == '*':
        return '*'
    if tag == '=':
        return ('=', _static(tree[1]))
    return (getattr(tag, '__name__', str(tag)), tuple(
        (_static_tree(s) if tag is not dict else (s[0], _static_tree(s[1]))) for s in tree[1]))


def _describe_path(path, names):
    if path and path[0] == 0 and len(path) > 1:
        top = names[path[1]] if names and path[1] < len(names) else f'arg {path[1]}'
        return top + ''.join(f'[{p}]' for p in path[2:])
    if path and path[0] == 1 and len(path) > 1:
        return f'kwarg {path[1]}' + ''.join(f'[{p}]' for p in path[2:])
    return str(path)


def describe_change(old, new, names=None):
    """Says in words why signature `new` missed a cache keyed by `old`."""
    if old is None:
        return 'first call'
    reasons = []
    old_leaves, new_leaves = dict(old[0]), dict(new[0])
    for path, sig in new_leaves.items():
        before = old_leaves.get(path)
        where = _describe_path(path, names)
        if before is None:
            reasons.append(f'{where} is new')
            continue
        for i, what in ((1, 'shape'), (2, 'dtype'), (3, 'device'), (4, 'requires_grad')):
            if before[i] != sig[i]:
                reasons.append(f'{where} {what} {before[i]} -> {sig[i]}')
    for path in old_leaves.keys() - new_leaves.keys():
        reasons.append(f'{_describe_path(path, names)} is gone')
    if old[1] != new[1]:
        reasons.append('non-array arguments changed')
    for a, b in zip(old[2:], new[2:]):
        if a != b:
            reasons.append(f'config.{a[0]} {a[1]} -> {b[1]}')
    return '; '.join(reasons) or 'signature changed'


# batch sizes one family traces before a new one counts as a retrace (each keeps a plan)
MAX_BATCH_SIZES = 16


class TraceCache:
    """Traces of one function keyed by signature, with a retrace budget.

    A signature may hold several entries, each valid under its own `Guards` (the
    Python state it read); `lookup` returns the first whose guards hold.  An entry
    is a compiled entry or an `Eager` marker (that state made the call fall back).
    """

    def __init__(self, max_retraces=8):
        self.max_retraces = max_retraces
        self.buckets = {}      # signature -> [entry, ...], oldest first
        self.misses = []       # (reason) per trace made
        self.given_up = False
        self._last_sig = None
        # dynamic batch: family (`batch_family`) -> batch sizes traced; a trace for a
        # new batch size of a known family is not a retrace, up to MAX_BATCH_SIZES
        self.families = {}
        self.batch_traces = 0
        self.version = 0        # bumped whenever an entry is added, replaced or removed

    def lookup(self, sig):
        """(entry, None) for the first entry of `sig` whose guards hold, else (None,
        why the newest entry's guards failed, or None when `sig` has no entry)."""
        bucket = self.buckets.get(sig)
        if not bucket:
            return None, None
        why = None
        for entry in bucket:
            guards = entry.guards
            why = None if guards is None else guards.check()
            if why is None:
                return entry, None
        return None, why

    def miss_reason(self, sig, names=None):
        closest = self._last_sig
        return describe_change(closest, sig, names)

    def new_batch_size(self, family, batch):
        """With dynamic batch: the reason for a trace of `family` (`batch_family`) at
        `batch` when the family is known with other batch sizes (a batch-size trace,
        not a retrace); else None."""
        seen = self.families.get(family) if family is not None else None
        if not seen or batch in seen or len(seen) >= MAX_BATCH_SIZES:
            return None
        return (f'batch size {seen[-1]} -> {batch} (dynamic batch: traced for the new size, '
                'the same rank and other dimensions)')

    def _counted(self):
        return len(self.misses) - self.batch_traces

    def can_trace(self):
        return not self.given_up and self._counted() <= self.max_retraces

    def add(self, sig, entry, reason, family=None, batch_trace=False):
        """Adds `entry` for `sig`.  `family`: ``(family, batch)`` of the call with dynamic
        batch (`batch_family`); ``batch_trace``: a new batch size of a known family
        (`new_batch_size`), which does not count against ``max_retraces``."""
        self.misses.append(reason)
        self.version += 1
        self.batch_traces += bool(batch_trace)
        self.buckets.setdefault(sig, []).append(entry)
        self._last_sig = sig
        if family is not None and family[0] is not None:
            sizes = self.families.setdefault(family[0], [])
            if family[1] not in sizes:
                sizes.append(family[1])
        if self._counted() > self.max_retraces:
            self.given_up = True

    def replace(self, old, new):
        """Puts `new` where `old` was (a compiled entry that verify found unfaithful)."""
        self.version += 1
        for bucket in self.buckets.values():
            for i, e in enumerate(bucket):
                if e is old:
                    bucket[i] = new

    def remove_if(self, predicate):
        self.version += 1
        for sig in list(self.buckets):
            self.buckets[sig] = [e for e in self.buckets[sig] if not predicate(e)]

    def note_hit(self, sig):
        self._last_sig = sig

    def all_entries(self):
        return [e for bucket in self.buckets.values() for e in bucket]

    @property
    def entries(self):
        """The compiled entries (eager markers left out), oldest first."""
        return [e for e in self.all_entries() if not isinstance(e, Eager)]

    @property
    def retraces(self):
        """Traces after the first, batch-size traces of a dynamic batch left out."""
        return max(0, self._counted() - 1)


class Eager:
    """A cache entry saying: under these guards, this signature runs eagerly."""

    def __init__(self, reason, guards=None):
        self.reason = reason
        self.guards = guards

"""The recorder: turns the ops a define-by-run call applies into Graph nodes.

While a `Recorder` is installed, every `FunctionNode.apply` reports to `record`.
The call runs for real (eagerly); the recorder maps each Variable and array it sees
to a graph Value:

- call arguments are ``data`` inputs, Link parameters ``param`` inputs (by path),
  Link persistents ``persistent`` inputs, keys drawn by `chainfuse.random.next_key`
  ``rng`` inputs, and anything else captured (Python scalars lifted by an op, arrays
  created inside the call) ``const`` inputs;
- op outputs are node outputs.

Where the call's behaviour would depend on data in a way the graph cannot say, the
recorder raises `GraphBreak` with the user's source line: ``bool()``/``float()``/
``int()``/``.item()`` of a traced value, numpy computation on the array read from a
traced Variable (``x.array * 2``), in-place writes into it, arrays derived from it by
means the recorder cannot follow, a FunctionNode that is not a registry op and
computes its outputs outside chainfuse ops.  Reading ``.array``/``.data`` itself is
fine: it returns a `TracedArray`, whose ``reshape``, ``shape`` and ``len`` are
followed (so ``x.data.reshape(len(x.data), 1, 28, 28)`` fed back into the model
traces correctly).
"""
import sys

import numpy

from chainfuse import backend
from chainfuse.config import using_config
from chainfuse.core import tracing
from chainfuse.core.function_node import FunctionNode, OpNode
from chainfuse.core.variable import Parameter, Variable
from chainfuse.ops import array as array_ops
from chainfuse.ops.registry import Aval
from chainfuse.tracer.errors import GraphBreak, TraceError, is_user_file, user_location
from chainfuse.tracer.ir import Graph
from chainfuse.tracer.reverse import backward_of

DYNAMIC_KINDS = ('data', 'param', 'persistent', 'rng', 'hyper')


class TracedArray(numpy.ndarray):
    """The array handed out for ``.array``/``.data`` of a traced Variable, for numpy
    arguments, and for numpy arrays read from Link attributes.

    It holds the real values, so printing and shapes work.  What numpy does with it is
    recorded as graph ops where the registry has the op: indexing, ``reshape``/
    ``ravel``/``flatten``/``squeeze``, ``.T``/``transpose``, ``astype``, ``copy`` (and
    ``np.asarray``/``np.array`` of it), the elementwise ufuncs (``a > 0``, ``a * 2``,
    ``np.exp(a)``), ``sum``/``mean``/``max``/``min``, ``np.where``.  Anything else —
    another numpy function or method, a Python value read from it, a write into it,
    pickling — is a graph break naming the user's line, never a baked constant.  An
    array numpy derives from it in a way the tracer does not follow is *tainted*: any
    later use of it breaks the same way.  Once the recorder has finished it behaves as
    a plain ndarray.
    """

    _recorder = None
    _value = None

    def __array_finalize__(self, obj):
        rec = getattr(obj, '_recorder', None)
        # derived by numpy from a live traced array without being recorded: tainted
        self._recorder = rec if rec is not None and rec.active else None
        self._value = None

    def _live(self):
        rec = self._recorder
        return rec is not None and rec.active

    def _val(self, what):
        if self._value is None:
            raise GraphBreak(f'{what}: the array was derived from a traced value by a numpy '
                             'operation the tracer does not follow, so its values would be '
                             'frozen; compute it with chainfuse functions (F.*) instead')
        return self._value

    def _break(self, what):
        numpy_break(what)

    def _plain(self):
        return numpy.ndarray.view(self, numpy.ndarray)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        rec = _live_recorder(inputs, kwargs.get('out', ()))
        if rec is not None:
            return rec.record_ufunc(ufunc, method, inputs, kwargs)
        inputs = _plain(inputs)
        if 'out' in kwargs:
            kwargs['out'] = _plain(kwargs['out'])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        rec = _live_recorder(args, kwargs.values())
        if rec is not None:
            return rec.record_function(func, args, kwargs)
        return func(*_plain(args), **_plain(kwargs))

    # ---- recorded methods ----
    def reshape(self, *shape, order='C'):
        if not self._live():
            return self._plain().reshape(*shape, order=order)
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        if order != 'C':
            self._break(f'reshape with order={order!r}')
        shape = array_ops.resolve_shape(shape, self.size)
        return self._recorder.reshape_value(self, shape)

    def ravel(self, order='C'):
        return self.reshape(-1, order=order) if self._live() else self._plain().ravel(order)

    def flatten(self, order='C'):
        return self.reshape(-1, order=order) if self._live() else self._plain().flatten(order)

    def squeeze(self, axis=None):
        if not self._live():
            return self._plain().squeeze(axis)
        return self._recorder.derive(lambda v: _functions().squeeze(v, axis), self)

    def transpose(self, *axes):
        if not self._live():
            return self._plain().transpose(*axes)
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        axes = tuple(range(self.ndim))[::-1] if not axes else tuple(axes)
        return self._recorder.derive(lambda v: _functions().transpose(v, axes), self)

    @property
    def T(self):
        return self.transpose()

    def astype(self, dtype, order='K', casting='unsafe', subok=True, copy=True):
        if not self._live():
            return self._plain().astype(dtype, order, casting, subok, copy)
        if numpy.dtype(dtype) == self.dtype:
            return self
        return self._recorder.derive(lambda v: _functions().cast(v, dtype), self)

    def copy(self, order='C'):
        # in the graph a copy is the same value: writes into either are graph breaks
        return self if self._live() else self._plain().copy(order)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return self._reduce('sum', numpy.sum, axis, dtype, out, keepdims, kw)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return self._reduce('mean', numpy.mean, axis, dtype, out, keepdims, kw)

    def max(self, axis=None, out=None, keepdims=False, **kw):
        return self._reduce('max', numpy.max, axis, None, out, keepdims, kw)

    def min(self, axis=None, out=None, keepdims=False, **kw):
        return self._reduce('min', numpy.min, axis, None, out, keepdims, kw)

    def _reduce(self, name, fn, axis, dtype, out, keepdims, kw):
        if not self._live():
            extra = {} if dtype is None else {'dtype': dtype}
            return fn(self._plain(), axis=axis, out=out, keepdims=keepdims, **extra, **kw)
        if dtype is not None or out is not None or kw:
            self._break(f'.{name}() with dtype/out/initial/where')
        return self._recorder.record_function(fn, (self,), {'axis': axis,
                                                              'keepdims': keepdims})

    def view(self, *args, **kwargs):
        if self._live() and not _library_caller():
            self._break('.view()')
        return numpy.ndarray.view(self._plain(), *args, **kwargs)

    def __getitem__(self, key):
        if self._live():          # recorded, as x[key] on the Variable would be
            return self._recorder.getitem_value(self, key if isinstance(key, tuple)
                                                else (key,))
        return numpy.ndarray.__getitem__(self._plain(), key)

    def __setitem__(self, key, value):
        if self._live():
            raise GraphBreak('an in-place write into the array of a traced value (read '
                             'through .array/.data) would not be replayed; compute the new '
                             'value with chainfuse functions instead')
        numpy.ndarray.__setitem__(self._plain(), key, value)

    # ---- Python values read from it ----
    def _concrete(self, how):
        if self._live():
            self._recorder.concretize_value(self._val(how), how)
        return self._plain()

    def __bool__(self):
        return bool(self._concrete('bool()'))

    def __float__(self):
        return float(self._concrete('float()'))

    def __int__(self):
        return int(self._concrete('int()'))

    def __complex__(self):
        return complex(self._concrete('complex()'))

    def __index__(self):
        return int(self._concrete('int()'))

    def __format__(self, spec):
        return format(self._concrete('format()'), spec)

    def item(self, *args):
        return self._concrete('.item()').item(*args)

    def tolist(self):
        return self._concrete('.tolist()').tolist()

    def __iter__(self):
        return iter(self._concrete('iteration'))

    def __reduce_ex__(self, protocol):
        if self._live():
            self._break('pickling')
        return self._plain().__reduce_ex__(protocol)

    def __reduce__(self):
        return self.__reduce_ex__(2)

    def __repr__(self):
        return repr(self._plain())

    def __str__(self):
        return str(self._plain())


def numpy_break(what):
    raise GraphBreak(f'{what} on the array of a traced value (read through .array/.data, a '
                     'numpy argument or a Link attribute) would be computed outside the graph '
                     'and frozen; use chainfuse functions (F.*) on the Variable instead')


_is_array = backend.is_array


def _breaking(name):
    method = getattr(numpy.ndarray, name)

    def call(self, *args, **kwargs):
        if self._live():
            self._break(f'.{name}()')
        return method(self._plain(), *args, **kwargs)
    call.__name__ = name
    return call


# every other ndarray method computes outside the graph: a break while recording
for _name in dir(numpy.ndarray):
    if not _name.startswith('_') and _name not in TracedArray.__dict__ and \
            callable(getattr(numpy.ndarray, _name)):
        setattr(TracedArray, _name, _breaking(_name))
for _name in ('data', 'ctypes', 'base', 'flat'):
    setattr(TracedArray, _name, property(
        lambda self, _n=_name: self._break(f'.{_n}') if self._live() else
        getattr(self._plain(), _n)))
del _name


def _functions():
    from chainfuse import functions
    return functions


def _library_caller():
    """True when the code calling into numpy is chainfuse's own (which unwraps traced
    arrays on purpose, e.g. for bounds checks)."""
    return not is_user_file(sys._getframe(2).f_code.co_filename)


def _live_recorder(*groups):
    for group in groups:
        for x in group:
            if isinstance(x, TracedArray) and x._live():
                return x._recorder
            if isinstance(x, (list, tuple)):
                rec = _live_recorder(x)
                if rec is not None:
                    return rec
    return None


def _plain(obj):
    if isinstance(obj, TracedArray):
        return numpy.ndarray.view(obj, numpy.ndarray)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


# numpy ufuncs recorded as registry ops (same semantics, same result dtype)
_UFUNC_OPS = {
    'add': 'add', 'subtract': 'sub', 'multiply': 'mul', 'true_divide': 'div',
    'divide': 'div', 'negative': 'neg', 'power': 'pow', 'exp': 'exp', 'log': 'log',
    'log2': 'log2', 'log10': 'log10', 'log1p': 'log1p', 'expm1': 'expm1', 'sqrt': 'sqrt',
    'sin': 'sin', 'cos': 'cos', 'tan': 'tan', 'tanh': 'tanh', 'sign': 'sign',
    'absolute': 'abs', 'floor': 'floor', 'ceil': 'ceil', 'maximum': 'maximum',
    'minimum': 'minimum', 'greater': 'greater', 'greater_equal': 'greater_equal',
    'less': 'less', 'less_equal': 'less_equal', 'equal': 'equal', 'not_equal': 'not_equal',
    'logical_not': 'logical_not',
}


def _function_rules():
    F = _functions()

    def reduction(fn):
        def rule(a, axis=None, keepdims=False, **kw):
            if kw:
                return None
            return lambda v: fn(v, axis=axis, keepdims=keepdims)
        return rule
    return {
        'where': lambda c, a, b: (lambda *v: F.where(*v)),
        'transpose': lambda a, axes=None: (lambda v: F.transpose(v, axes)),
        'reshape': lambda a, shape, order='C': None if order != 'C' else
        (lambda v: F.reshape(v, tuple(array_ops.resolve_shape(
            shape if isinstance(shape, (tuple, list)) else (shape,), v.size)))),
        'ravel': lambda a, order='C': None if order != 'C' else (lambda v: F.reshape(v, (-1,))),
        'squeeze': lambda a, axis=None: (lambda v: F.squeeze(v, axis)),
        'copy': lambda a, order='K', subok=False: (lambda v: v),
        'sum': reduction(F.sum), 'mean': reduction(F.mean), 'max': reduction(F.max),
        'amax': reduction(F.max), 'min': reduction(F.min), 'amin': reduction(F.min),
    }


_RULES = []


def function_rule(func, args, kwargs):
    if not _RULES:
        _RULES.append(_function_rules())
    rule = _RULES[0].get(func.__name__)
    if rule is None:
        return None
    try:
        return rule(*args, **kwargs)
    except TypeError:
        return None


def _conversion(original):
    """`numpy.asarray`-like functions while tracing: a traced array (or Variable) stays
    traced (a dtype change is a recorded cast) instead of becoming a baked constant."""
    def convert(a, *args, **kwargs):
        rec = None
        if isinstance(a, TracedArray) and a._live():
            rec = a._recorder
        elif isinstance(a, Variable) and tracing.current() is not None:
            rec = tracing.current()
        if rec is None or _library_caller():
            return original(a, *args, **kwargs)
        return rec.convert(a, original.__name__, args, kwargs)
    convert.__name__ = original.__name__
    convert.__wrapped__ = original
    return convert


_CONVERSIONS = ('asarray', 'array', 'ascontiguousarray', 'asfortranarray')


class numpy_conversions:
    """Installs the `_conversion` wrappers of numpy's array constructors for a trace."""

    def __enter__(self):
        self.saved = {name: getattr(numpy, name) for name in _CONVERSIONS}
        for name, fn in self.saved.items():
            setattr(numpy, name, _conversion(fn))
        return self

    def __exit__(self, *exc):
        for name, fn in self.saved.items():
            setattr(numpy, name, fn)
        return False


def _root_base(a):
    while isinstance(getattr(a, 'base', None), (numpy.ndarray,)):
        a = a.base
    return a


class Recorder(tracing.Tracer):
    """Builds a Graph from the ops applied while it is installed (see module docstring):
    the `chainfuse.core.tracing.Tracer` of a trace."""

    abstract = False  # see AbstractRecorder
    watcher = None    # the trace's python_state.Watcher, told of Link attribute writes

    def __init__(self, name='graph', link=None, dynamic_batch=False, graph=None):
        self.graph = Graph(name) if graph is None else graph
        self.active = False
        self.link = link
        self.dynamic_batch = dynamic_batch
        self._var_values = {}     # id(Variable) -> Value
        self._array_values = {}   # id(array) -> Value
        self._keep = []           # keeps mapped objects alive so ids stay unique
        self._arrays = {}         # Value id -> the array the trace computed for it
        self._vars_of = {}        # Value id -> the Variables bound to it
        self._leaf_of = {}        # input Value id -> the Variable it was made from
        self._grad_vars = {}      # Value id -> the Variable a traced backward reads
        self._walking = False     # a traced backward's reverse walk is running
        self._dynamic = set()     # ids of Values that depend on non-constant inputs
        self._grad_memo = {}      # Value id -> whether it depends on an input needing grad
        self._cuts = {}           # id(Variable) -> (Variable, its stop_gradient Value)
        self._param_paths = {}
        self._persistent_paths = {}
        self.input_sources = {}   # Value id -> ('param', Parameter) | ('persistent', ...) ...
        self.reports = []         # (observer, key, Value, reported as an array, not a Variable)
        self.states = []          # (getter of the target array, Value)
        self._external = {}       # id(array) -> (kind, name, source, getter): see register
        self.hypers = []          # (source, key) per 'hyper' input, in input order
        self.node_values = None   # when a list: every node's output arrays (verify)
        self.node_calls = {}      # IR node id -> the F call that applied it (core/calls.py)
        self.keys = []            # the random keys the traced call drew, in order
        self.first_key_state = None   # the generator's state before the first of them
        self._index_link()

    # ---- install / uninstall ----
    def __enter__(self):
        self._saved = tracing.install(self)
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = False
        tracing.install(self._saved)
        return False

    # ---- the link's parameters and persistents ----
    def _index_link(self):
        link = self.link
        if link is None or not hasattr(link, 'namedparams'):
            return
        for path, p in link.namedparams():
            self._param_paths[id(p)] = path
        for prefix, sub in link.namedlinks():
            for attr in sorted(getattr(sub, '_persistent', ())):
                value = getattr(sub, attr, None)
                if isinstance(value, numpy.ndarray) or backend.is_cupy_array(value):
                    path = f'{prefix.rstrip("/")}/{attr}'
                    self._persistent_paths[id(value)] = (path, sub, attr)

    # ---- binding objects to Values ----
    def _bind(self, obj, value, table):
        table[id(obj)] = value
        self._keep.append(obj)

    def bind_variable(self, var, value):
        self._bind(var, value, self._var_values)
        self._vars_of.setdefault(value.id, []).append(var)
        if var._data is not None:
            self._bind(var._data, value, self._array_values)
            self._arrays.setdefault(value.id, var._data)

    def add_input(self, obj, kind, name, source=None):
        data = obj._data if isinstance(obj, Variable) else obj
        const = data if kind == 'const' else None
        v = self.graph.add_input(Aval.of(data), kind, name, const=const)
        if kind in DYNAMIC_KINDS:
            self._dynamic.add(v.id)
        if isinstance(obj, Variable):
            v.requires_grad = obj.requires_grad and kind in ('data', 'param')
            self._leaf_of[v.id] = obj
            self.bind_variable(obj, v)
        else:
            self._bind(obj, v, self._array_values)
            self._arrays[v.id] = obj
            if kind == 'param' and source is not None and source[0] == 'param':
                # a parameter registered by its array (a traced training step): the
                # Parameter is the leaf its gradient goes to
                v.requires_grad = source[1].requires_grad
                self._leaf_of[v.id] = source[1]
        self.input_sources[v.id] = source
        return v

    def _const_name(self):
        return f'c{len(self.graph.inputs_of("const"))}'

    def value_of_array(self, a, what):
        v = self._array_values.get(id(a))
        if v is not None:
            return v
        if isinstance(a, TracedArray) and a._recorder is self:
            return a._val(what)
        base = _root_base(a)
        if base is not a and (id(base) in self._array_values or isinstance(base, TracedArray)):
            src = self._array_values.get(id(base)) or base._value
            if src is not None and a.shape == src.shape and a.dtype == src.dtype and \
                    a.__array_interface__['data'][0] == base.__array_interface__['data'][0]:
                return src
            raise GraphBreak(f'{what} is an array derived from a traced value by numpy '
                             '(a view the tracer cannot follow); compute it with chainfuse '
                             'functions on the Variable instead')
        entry = self._persistent_paths.get(id(a))
        if entry is None and self.link is not None:
            self._index_link()
            entry = self._persistent_paths.get(id(a))
        if entry is not None:
            path, sub, attr = entry
            return self.add_input(a, 'persistent', path, ('persistent', sub, attr))
        ext = self._external.get(id(a))
        if ext is not None:
            kind, name, source, getter = ext
            return self.add_input(a, kind, name, source)
        return None

    def array_value(self, a):
        """The Value of a traced array, or None for an array unknown to the trace."""
        if isinstance(a, TracedArray) and a._recorder is self:
            return a._value
        return self._array_values.get(id(a))

    # ---- Python-side state (see tracer.python_state) ----
    def bind_attr_variable(self, link, name, var, where):
        """A Variable read from a Link attribute before the call wrote it: a graph input
        read from the attribute at every call (LSTM's state), gradients flowing back."""
        if id(var) in self._var_values or var._data is None:
            return
        v = self.value_of_array(var._data, where) if var._data is not None else None
        if v is not None:
            self.bind_variable(var, v)
            return
        self.add_input(var, 'data', f'attr:{where}', ('attr', link, name))

    def bind_attr_array(self, link, name, array, where):
        """A numpy array read from a Link attribute: a graph input read at every call,
        handed to the code as a TracedArray (numpy computation on it is recorded or
        breaks, never baked)."""
        v = self.value_of_array(array, where)
        if v is None:
            v = self.add_input(array, 'persistent', where, ('persistent', link, name))
        return self._traced_array(array, v)

    def register_input(self, array, name, source):
        """An array the call may read from a global or closure variable: an input read
        from there at every call if an op uses it (never a baked constant)."""
        if id(array) not in self._external and id(array) not in self._array_values:
            self._external[id(array)] = ('persistent', name, source, None)
            self._keep.append(array)

    def add_attr_output(self, value, where):
        """Adds `value` as a result output standing for the Link attribute `where`;
        returns its index among the graph's result outputs."""
        self.graph.add_output(value, 'result', f'attr:{where}')
        return len(self.graph.outputs_of('result')) - 1

    def value_of(self, x, what, lifted=False):
        if isinstance(x, Variable):
            v = self._var_values.get(id(x))
            if v is not None:
                return v
            v = self.value_of_array(x._data, what)
            if v is not None:
                self.bind_variable(x, v)
                return v
            if isinstance(x, Parameter):
                path = self._param_paths.get(id(x))
                if path is None and self.link is not None:
                    self._index_link()
                    path = self._param_paths.get(id(x))
                name = path or (x.name and f'param:{x.name}') or \
                    f'param{len(self.graph.inputs_of("param"))}'
                return self.add_input(x, 'param', name, ('param', x))
            if x.creator is not None and x.requires_grad:
                raise GraphBreak(f'{what} is a Variable computed outside the traced call '
                                 '(captured from an enclosing scope); its gradient would not '
                                 'reach the graph it came from. Pass it as an argument')
            return self.add_input(x, 'const', self._const_name(), ('const',))
        v = self.value_of_array(x, what)
        if v is not None:
            return v
        return self.add_input(x, 'const', self._const_name(), ('const',))

    # ---- the apply hook ----
    @staticmethod
    def plain_arrays(arrays):
        """Ops compute on plain arrays: TracedArrays are unwrapped before `forward`."""
        if not any(isinstance(a, TracedArray) for a in arrays):
            return arrays
        return tuple(_plain(a) for a in arrays)

    def record(self, node, inputs, outputs):
        loc = user_location(2)
        if not isinstance(node, OpNode):
            self._record_opaque(node, outputs, loc)
            return
        lifted = node.lifted
        in_vals = [self._cut(x, self.value_of(x, f'input {i} of {node.op.name}', i in lifted),
                             loc)
                   for i, x in enumerate(inputs)]
        avals = [Aval.of(y._data) for y in outputs]
        gnode = self.graph.add_node(node.op, in_vals, node.attrs, avals, loc)
        if node.call is not None:
            self.node_calls[gnode.id] = node.call
        dynamic = any(v.id in self._dynamic for v in in_vals)
        for y, v in zip(outputs, gnode.outputs):
            self.bind_variable(y, v)
            if dynamic:
                self._dynamic.add(v.id)
        if self.node_values is not None:
            self.node_values.append([_plain(y._data) for y in outputs])

    def _cut(self, x, v, loc):
        """A Variable without a creator standing for a value computed in the trace
        (``Variable(h.array)``, ``h.unchain()``, a result of ``no_backprop_mode``), or
        for an input it was not made from (``Variable(W.array)`` beside the Parameter
        ``W``), is a leaf of its own to eager backprop: no gradient flows back through
        it.  The graph reads it through ``stop_gradient``, so the compiler's reverse
        walk stops there too (and a traced ``backward()`` gives the Variable its own
        gradient)."""
        if not isinstance(x, Variable) or x.creator is not None or self._walking:
            return v            # (the reverse walk's ops read the IR's values as they are)
        if v.producer is None:
            if not v.requires_grad or self._leaf_of.get(v.id) is x:
                return v
        elif not self._depends_on_grad(v):
            return v
        cut = self._cuts.get(id(x))
        if cut is None:
            node = self.graph.add_node(array_ops.stop_gradient, [v], {}, [v.aval], loc)
            cut = self._cuts[id(x)] = (x, node.outputs[0])
            self._arrays[cut[1].id] = self._arrays.get(v.id, x._data)
            if v.id in self._dynamic:
                self._dynamic.add(cut[1].id)
        return cut[1]

    def _depends_on_grad(self, v):
        """Whether a gradient can reach `v` from an input that requires grad: a float
        value computed by differentiable ops from one (memoized)."""
        memo = self._grad_memo
        stack = [v]
        while stack:
            u = stack[-1]
            if u.id in memo:
                stack.pop()
                continue
            if u.producer is None:
                memo[u.id] = bool(u.requires_grad)
                stack.pop()
                continue
            pending = [w for w in u.producer.inputs if w.id not in memo]
            if pending:
                stack.extend(pending)
                continue
            memo[u.id] = (u.aval.dtype.kind == 'f' and u.producer.op.differentiable and
                          any(memo[w.id] for w in u.producer.inputs))
            stack.pop()
        return memo[v.id]

    def _record_opaque(self, node, outputs, loc):
        if outputs and outputs[0].creator is node and \
                type(node).backward is not FunctionNode.backward:
            raise GraphBreak(
                f'{node.label} is a FunctionNode with a backward of its own on the backprop '
                'path; compiled gradients come from the registry ops\' vjp rules, so '
                f'{node.label}.backward would be bypassed.  Build it from F.* functions, '
                'or call it under chainfuse.no_backprop_mode()', loc)
        for y in outputs:
            v = self._array_values.get(id(y._data))
            if v is None and isinstance(y._data, TracedArray) and y._data._recorder is self:
                v = y._data._val(node.label)
            if v is None:
                raise GraphBreak(f'{node.label} is not a registry op and computed its outputs '
                                 'outside chainfuse ops, so it cannot be traced; build it from '
                                 'F.* functions or registry ops', loc)
            self.bind_variable(y, v)

    # ---- values leaving the graph ----
    def on_concretize(self, var, how):
        v = self._var_values.get(id(var))
        if v is None:
            v = self._array_values.get(id(var._data)) if var._data is not None else None
            if v is None:
                return var._data
            self.bind_variable(var, v)  # a new Variable around a traced array
        if how == '.array':
            return self._traced_array(var._data, v)
        self.concretize_value(v, how)
        return var._data

    def concretize_value(self, v, how):
        if how == 'len()' and not self.dynamic_batch:
            return  # shapes are part of the trace's guard
        if v.id in self._dynamic:
            raise GraphBreak(f'{how} of a traced value makes the trace depend on the data '
                             f'(value %{v.id}:{v.aval}); data-dependent Python control flow '
                             'cannot be compiled')

    def _traced_array(self, data, v):
        if not isinstance(data, numpy.ndarray):
            return data  # cupy: identity mapping only
        t = data.view(TracedArray)
        t._recorder = self
        t._value = v
        self._bind(t, v, self._array_values)
        return t

    def reshape_value(self, traced, shape):
        """Records ``traced.reshape(shape)`` as a reshape node; returns the new TracedArray."""
        return self.derive(lambda v: array_ops.reshape(v, shape=tuple(shape)), traced)

    def getitem_value(self, traced, key):
        """Records ``traced[key]`` as `F.get_item` does; returns the new TracedArray."""
        from chainfuse.functions.array.get_item import get_item
        return self.derive(lambda v: get_item(v, key), traced)

    def derive(self, fn, *operands, expect=None):
        """Applies `fn` (chainfuse functions) to `operands` — traced arrays become
        Variables bound to their Values, anything else is passed as is — and returns
        the result as a TracedArray.  With `expect` (what numpy computes), a result of
        another dtype or shape is a graph break instead of a silent difference."""
        args = []
        for x in operands:
            if isinstance(x, TracedArray) and x._live():
                tmp = Variable(x._plain(), requires_grad=False)
                self._bind(tmp, x._val('numpy on a traced array'), self._var_values)
                args.append(tmp)
            else:
                args.append(x)
        y = fn(*args)
        if not isinstance(y, Variable):
            y = args[0] if y is None else y
        if expect is not None:
            e = numpy.asarray(expect)
            if e.dtype != y.dtype or e.shape != y.shape:
                raise GraphBreak(f'numpy computes {e.dtype}{list(e.shape)} here but the '
                                 f'graph op gives {y.dtype}{list(y.shape)}; use chainfuse '
                                 'functions (F.*) with explicit casts instead')
        return self._traced_array(y._data, self._var_values[id(y)])

    def record_ufunc(self, ufunc, method, inputs, kwargs):
        """A numpy ufunc applied to traced arrays: the registry op when there is one."""
        from chainfuse.ops.registry import OPS
        name = _UFUNC_OPS.get(ufunc.__name__)
        if method != '__call__' or kwargs or name is None:
            what = f'numpy.{ufunc.__name__}' + ('' if method == '__call__' else f'.{method}')
            numpy_break(what)
        expect = ufunc(*_plain(inputs))
        return self.derive(lambda *v: OPS[name](*v), *inputs, expect=expect)

    def record_function(self, func, args, kwargs):
        """A numpy function (``__array_function__``) on traced arrays: recorded where a
        chainfuse function does the same, else a graph break."""
        arrays = [a for a in args if isinstance(a, TracedArray) or _is_array(a)]
        rule = function_rule(func, args, kwargs)
        if rule is None or len(arrays) != len(args) and func.__name__ != 'where':
            numpy_break(f'numpy.{func.__name__}')
        expect = func(*_plain(args), **_plain(kwargs))
        return self.derive(rule, *args[:len(args)], expect=expect)

    def convert(self, a, name, args, kwargs):
        """``numpy.asarray(a, dtype)`` and friends of a traced array or Variable."""
        if isinstance(a, Variable):
            a = self.on_concretize(a, '.array')
            if not isinstance(a, TracedArray):
                return getattr(numpy, name).__wrapped__(a, *args, **kwargs)
        dtype = args[0] if args else kwargs.pop('dtype', None)
        rest = [k for k, v in kwargs.items() if v is not None and k not in ('order', 'copy')]
        if len(args) > 1 or rest:
            a._break(f'numpy.{name} with {", ".join(rest) or "extra arguments"}')
        return a.astype(dtype) if dtype is not None else a

    # ---- other hooks ----
    def on_key(self, key, before=None):
        if not self.keys:
            self.first_key_state = before
        self.keys.append(key)
        self.add_input(key, 'rng', f'rng{len(self.graph.inputs_of("rng"))}', ('rng',))

    def on_draw(self, generator, before, after):
        if self.watcher is not None:
            self.watcher.on_draw(generator, before, after)

    def register_state(self, array, kind, name, source, getter):
        """Declares an array the traced call reads and may overwrite in place (a
        parameter, an optimizer state): reads make it an input of `kind`, writes
        through `update_state` a state output written back with `getter()`."""
        self._bind_external = True
        self._external[id(array)] = (kind, name, source, getter)
        self._keep.append(array)

    def on_state(self, target, new_value):
        v = self.value_of(new_value, 'a state update')
        entry = self._persistent_paths.get(id(target))
        if entry is None and id(target) not in self._external:
            self._index_link()
            entry = self._persistent_paths.get(id(target))
        if entry is not None:
            path, sub, attr = entry
            self._state_output(target, v, path, lambda sub=sub, attr=attr: getattr(sub, attr))
        elif id(target) in self._external:
            kind, name, source, getter = self._external[id(target)]
            self.value_of_array(target, name)  # an input even when only written
            self._state_output(target, v, name, getter)
        elif id(target) in self._array_values and \
                self._array_values[id(target)].kind in (None, 'const'):
            self._rebind(target, v)  # an intermediate (a gradient) overwritten in place
        else:
            raise GraphBreak('an in-place update of an array the trace cannot write back '
                             '(a parameter or input outside a compiled training step, or an '
                             'array unknown to the trace)')

    def _state_output(self, target, v, name, getter):
        self.states = [(g, val) for g, val in self.states if g is not getter]
        self.states.append((getter, v))
        self.graph.outputs = [o for o in self.graph.outputs
                              if not (o[1] == 'state' and o[2] == name)]
        self.graph.add_output(v, 'state', name)
        self._rebind(target, v)

    def _rebind(self, array, v):
        """Later reads of `array` (and of Variables holding it) see the value `v`."""
        old = self._array_values.get(id(array))
        self._array_values[id(array)] = v
        if old is not None:
            for key, val in list(self._var_values.items()):
                if val is old:
                    self._var_values[key] = v

    def on_hyper(self, arrays, source):
        """Hyperparameters of an update rule (`source`), recomputed at every replay."""
        for key, a in arrays.items():
            if source is None:
                continue  # a hook's constants: the step's guard keys on them
            self.add_input(a, 'hyper', f'{type(source).__name__}.{key}#{len(self.hypers)}',
                           ('hyper', source, key))
            self.hypers.append((source, key))

    def on_attr_write(self, link, name, value):
        if self.watcher is not None:
            self.watcher.on_write(link, name, value)

    # ---- backward() and grad() inside the traced call ----
    def backward(self, outputs, grad_outputs, retain_grad, double, want, loss_scale):
        """The gradients of a traced ``backward()`` or ``chainfuse.grad()``, from the
        IR's reverse walk (`chainfuse.tracer.reverse`, the walk of the compiler's
        autodiff too) over what was recorded so far.  It runs on the arrays the trace
        computed, so the rules' ops compute the gradients the rest of the call reads
        and are recorded.  The gradients then land where eager's walk puts them:
        accumulated into each leaf's ``.grad`` (the Variable an input was made from, a
        creator-less Variable over a traced value), into intermediates' with
        ``retain_grad``, or returned for ``grad(outputs, inputs)``."""
        if self.abstract or not self.active:
            return False, None
        loc = user_location(3)
        seeds = []
        for y, gy in zip(outputs, grad_outputs):
            if loss_scale is not None:
                gy = gy * loss_scale
            seeds.append((self.value_of(y, 'the output backward() starts from'), gy))
        if want is not None:
            targets = [self._var_values.get(id(w)) for w in want]
            wrt = [v for v in targets if v is not None]
        else:
            wrt = [v for v in self.graph.inputs if v.requires_grad]
            wrt += [cut for _, cut in self._cuts.values()]
        self._walking = True
        try:
            with using_config('enable_backprop', double):
                grads = backward_of(list(self.graph.nodes), seeds, wrt, self._grad_variable)
        finally:
            self._walking = False
        if want is not None:
            return True, [None if v is None else grads.get(v.id) for v in targets]
        leaves = [(self._leaf_of.get(v.id), v) for v in self.graph.inputs if v.requires_grad]
        for x, v in leaves + list(self._cuts.values()):
            g = grads.get(v.id)
            if g is None or x is None or not x.requires_grad:
                continue
            if x.creator is not None:
                raise GraphBreak(f'backward() reaches {v.name}, '
                                 'a Variable computed before the traced call: eager '
                                 'backprop would continue into the graph that made it, '
                                 'outside the trace. Unchain it first (unchain_backward)',
                                 loc)
            x.grad_var = g if x.grad_var is None else x.grad_var + g
        if retain_grad:
            for vid, g in grads.items():
                for y in self._vars_of.get(vid, ()):
                    if y.creator is not None:
                        y.grad_var = g
        return True, None

    def _grad_variable(self, value):
        """A Variable holding the array the trace computed for `value`, bound to it: what
        a vjp rule in a traced backward reads for the value (the value itself, never a
        leaf of its own: `_cut` adds no stop_gradient while the walk runs)."""
        var = self._grad_vars.get(value.id)
        if var is None:
            # requiring grad where the value does, so that with double backprop the
            # rule's results have creators, as eager's do
            var = Variable(self._arrays[value.id],
                           requires_grad=self._depends_on_grad(value))
            self.bind_variable(var, value)
            self._grad_vars[value.id] = var
        return var

    def on_report(self, values, observer):
        """Reported values become graph outputs, reported again after every replay."""
        for key, value in values.items():
            self._report_value(observer, key, value)
        return True

    def _report_value(self, observer, key, value):
        """A reported Variable, or an array numpy computed from traced values
        (``report({'perp': xp.exp(loss.array)})``, recorded as ops), is a graph output
        reported again after every replay, as what it was (Variable or array)."""
        if isinstance(value, Variable):
            v, as_array = self.value_of(value, f'reported value {key}'), False
        elif isinstance(value, TracedArray) and value._live() and value._recorder is self:
            v, as_array = value._val(f'reported value {key}'), True
        else:
            raise GraphBreak(f'report({key!r}) of a {type(value).__name__} while tracing: '
                             'its value would be the one of the traced call; report a '
                             'Variable or an array computed from traced values')
        name = key if observer is None else f'{type(observer).__name__}/{key}'
        self.reports.append((observer, key, v, as_array))
        self.graph.add_output(v, 'report', name)

    def check_output(self, y, name):
        if not isinstance(y, Variable):
            what = 'an ndarray' if isinstance(y, numpy.ndarray) else type(y).__name__
            raise TraceError(f'the traced function returned {what} at {name}; a compiled '
                             'call returns Variables (or tuples/lists/dicts of them)')
        return self.value_of(y, f'output {name}')


def placeholder(aval):
    """A zero-strided array of the aval's shape and dtype: shape-correct, no memory."""
    return numpy.broadcast_to(numpy.zeros((), aval.dtype), aval.shape)


class AbstractRecorder(Recorder):
    """Records ops into an existing graph without computing them.

    The compiler's autodiff runs each node's vjp rule on Variables bound to the
    graph's Values; their arrays are placeholders, and every op the rule applies is
    appended to the graph, with its output avals from the op's shape rule.
    """

    abstract = True

    def __init__(self, graph):
        super().__init__(graph.name, graph=graph)

    def variable_for(self, value):
        """A Variable standing for `value` (created once per Value)."""
        var = Variable(placeholder(value.aval), requires_grad=False)
        self.bind_variable(var, value)
        return var

    def abstract_forward(self, node, in_data):
        if not isinstance(node, OpNode):
            raise TraceError(f'{node.label} is not a registry op; a backward rule may only '
                             'apply registry ops')
        avals = node.op.infer(*[Aval.of(a) for a in in_data], **node.attrs)
        if isinstance(avals, Aval):
            avals = (avals,)
        return tuple(placeholder(a) for a in avals)

    def record(self, node, inputs, outputs):
        in_vals = [self.value_of(x, f'input {i} of {node.op.name}')
                   for i, x in enumerate(inputs)]
        avals = [Aval.of(y._data) for y in outputs]
        gnode = self.graph.add_node(node.op, in_vals, node.attrs, avals, self.loc)
        for y, v in zip(outputs, gnode.outputs):
            self.bind_variable(y, v)

    loc = None

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
import numpy

from chainfuse import backend
from chainfuse.core import function_node, state, variable
from chainfuse.core.function_node import OpNode
from chainfuse.core.variable import Parameter, Variable
from chainfuse.ops import array as array_ops
from chainfuse.ops.registry import Aval
from chainfuse import random as cf_random
from chainfuse.tracer.errors import GraphBreak, TraceError, user_location
from chainfuse.tracer.ir import Graph

DYNAMIC_KINDS = ('data', 'param', 'persistent', 'rng', 'hyper')


class TracedArray(numpy.ndarray):
    """The array handed out for ``.array``/``.data`` of a traced Variable.

    It holds the real values, so printing and shapes work; reshaping and indexing are
    recorded; any other numpy computation on it, or a write into it, is a graph break.
    Once the recorder has finished it behaves as a plain ndarray.
    """

    _recorder = None
    _value = None

    def __array_finalize__(self, obj):
        self._recorder = None
        self._value = None

    def _live(self):
        rec = self._recorder
        return rec is not None and rec.active

    def _break(self, what):
        raise GraphBreak(f'{what} on the array of a traced value (read through .array/.data) '
                         'is computed outside the graph; use chainfuse functions (F.*) on the '
                         'Variable instead')

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if self._live():
            self._break(f'numpy.{ufunc.__name__}' + ('' if method == '__call__' else
                                                     f'.{method}'))
        inputs = tuple(i.view(numpy.ndarray) if isinstance(i, TracedArray) else i
                       for i in inputs)
        if 'out' in kwargs:
            kwargs['out'] = tuple(o.view(numpy.ndarray) if isinstance(o, TracedArray) else o
                                  for o in kwargs['out'])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if self._live():
            self._break(f'numpy.{func.__name__}')
        args = _plain(args)
        kwargs = _plain(kwargs)
        return func(*args, **kwargs)

    def reshape(self, *shape, order='C'):
        if not self._live():
            return numpy.ndarray.reshape(self.view(numpy.ndarray), *shape, order=order)
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        if order != 'C':
            self._break(f'reshape with order={order!r}')
        shape = array_ops.resolve_shape(shape, self.size)
        return self._recorder.reshape_value(self, shape)

    def __getitem__(self, key):
        if self._live():          # recorded, as x[key] on the Variable would be
            return self._recorder.getitem_value(self, key if isinstance(key, tuple)
                                                else (key,))
        return numpy.ndarray.__getitem__(self.view(numpy.ndarray), key)

    def __setitem__(self, key, value):
        if self._live():
            raise GraphBreak('an in-place write into the array of a traced value (read '
                             'through .array/.data) would not be replayed; compute the new '
                             'value with chainfuse functions instead')
        numpy.ndarray.__setitem__(self.view(numpy.ndarray), key, value)

    def _concrete(self, how):
        if self._live():
            self._recorder.concretize_value(self._value, how)
        return self.view(numpy.ndarray)

    def __bool__(self):
        return bool(self._concrete('bool()'))

    def __float__(self):
        return float(self._concrete('float()'))

    def __int__(self):
        return int(self._concrete('int()'))

    def __index__(self):
        return int(self._concrete('int()'))

    def item(self, *args):
        return self._concrete('.item()').item(*args)

    def tolist(self):
        return self._concrete('.tolist()').tolist()

    def __iter__(self):
        return iter(self._concrete('iteration'))

    def astype(self, dtype, *args, **kwargs):
        if self._live():
            self._break('.astype()')
        return self.view(numpy.ndarray).astype(dtype, *args, **kwargs)

    def copy(self, order='C'):
        if self._live():
            self._break('.copy()')
        return self.view(numpy.ndarray).copy(order)

    def __repr__(self):
        return repr(self.view(numpy.ndarray))

    def __str__(self):
        return str(self.view(numpy.ndarray))


def _plain(obj):
    if isinstance(obj, TracedArray):
        return obj.view(numpy.ndarray)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def _root_base(a):
    while isinstance(getattr(a, 'base', None), (numpy.ndarray,)):
        a = a.base
    return a


class Recorder:
    """Builds a Graph from the ops applied while it is installed (see module docstring)."""

    abstract = False  # see AbstractRecorder

    def __init__(self, name='graph', link=None, dynamic_batch=False, graph=None):
        self.graph = Graph(name) if graph is None else graph
        self.active = False
        self.link = link
        self.dynamic_batch = dynamic_batch
        self._var_values = {}     # id(Variable) -> Value
        self._array_values = {}   # id(array) -> Value
        self._keep = []           # keeps mapped objects alive so ids stay unique
        self._dynamic = set()     # ids of Values that depend on non-constant inputs
        self._param_paths = {}
        self._persistent_paths = {}
        self.input_sources = {}   # Value id -> ('param', Parameter) | ('persistent', ...) ...
        self.reports = []         # (observer, key, Value)
        self.states = []          # (getter of the target array, Value)
        self._external = {}       # id(array) -> (kind, name, source, getter): see register
        self.hypers = []          # (source, key) per 'hyper' input, in input order
        self._index_link()

    # ---- install / uninstall ----
    def __enter__(self):
        self._saved = (function_node.set_recorder(self), variable.concretize_hook,
                       state.state_hook, cf_random.key_hook)
        variable.concretize_hook = self.on_concretize
        state.state_hook = self.on_state
        cf_random.key_hook = self.on_key
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = False
        prev_rec, variable.concretize_hook, state.state_hook, cf_random.key_hook = self._saved
        function_node.set_recorder(prev_rec)
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
        if var._data is not None:
            self._bind(var._data, value, self._array_values)

    def add_input(self, obj, kind, name, source=None):
        data = obj._data if isinstance(obj, Variable) else obj
        const = data if kind == 'const' else None
        v = self.graph.add_input(Aval.of(data), kind, name, const=const)
        if kind in DYNAMIC_KINDS:
            self._dynamic.add(v.id)
        if isinstance(obj, Variable):
            v.requires_grad = obj.requires_grad and kind in ('data', 'param')
            self.bind_variable(obj, v)
        else:
            self._bind(obj, v, self._array_values)
        self.input_sources[v.id] = source
        return v

    def _const_name(self):
        return f'c{len(self.graph.inputs_of("const"))}'

    def value_of_array(self, a, what):
        v = self._array_values.get(id(a))
        if v is not None:
            return v
        if isinstance(a, TracedArray) and a._recorder is self:
            return a._value
        base = _root_base(a)
        if base is not a and (id(base) in self._array_values or isinstance(base, TracedArray)):
            src = self._array_values.get(id(base)) or base._value
            if a.shape == src.shape and a.dtype == src.dtype and \
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
        return tuple(a.view(numpy.ndarray) if isinstance(a, TracedArray) else a
                     for a in arrays)

    def record(self, node, inputs, outputs):
        loc = user_location(2)
        if not isinstance(node, OpNode):
            self._record_opaque(node, outputs, loc)
            return
        lifted = node.lifted
        in_vals = [self.value_of(x, f'input {i} of {node.op.name}', i in lifted)
                   for i, x in enumerate(inputs)]
        avals = [Aval.of(y._data) for y in outputs]
        gnode = self.graph.add_node(node.op, in_vals, node.attrs, avals, loc)
        dynamic = any(v.id in self._dynamic for v in in_vals)
        for y, v in zip(outputs, gnode.outputs):
            self.bind_variable(y, v)
            if dynamic:
                self._dynamic.add(v.id)

    def _record_opaque(self, node, outputs, loc):
        for y in outputs:
            v = self._array_values.get(id(y._data))
            if v is None and isinstance(y._data, TracedArray) and y._data._recorder is self:
                v = y._data._value
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
        return self._derive(traced, lambda v: array_ops.reshape(v, shape=tuple(shape)))

    def getitem_value(self, traced, key):
        """Records ``traced[key]`` as `F.get_item` does; returns the new TracedArray."""
        from chainfuse.functions.array.get_item import get_item
        return self._derive(traced, lambda v: get_item(v, key))

    def _derive(self, traced, fn):
        tmp = Variable(traced.view(numpy.ndarray), requires_grad=False)
        self._bind(tmp, traced._value, self._var_values)
        y = fn(tmp)
        return self._traced_array(y._data, self._var_values[id(y)])

    # ---- other hooks ----
    def on_key(self, key):
        self.add_input(key, 'rng', f'rng{len(self.graph.inputs_of("rng"))}', ('rng',))

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

    def on_report(self, observer, key, value):
        if not isinstance(value, Variable):
            raise GraphBreak(f'report({key!r}) of a non-Variable value while tracing')
        v = self.value_of(value, f'reported value {key}')
        name = key if observer is None else f'{type(observer).__name__}/{key}'
        self.reports.append((observer, key, v))
        self.graph.add_output(v, 'report', name)

    def check_output(self, y, name):
        if not isinstance(y, Variable):
            raise TraceError(f'the traced function returned {type(y).__name__} at {name}; '
                             'it must return Variables (or tuples/lists/dicts of them)')
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

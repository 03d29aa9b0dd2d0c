"""`Case`: one row of the op/function test table.

::

    Case('exp', [uniform(3, 4)], ref=numpy.exp)
    Case(F.relu, [uniform(3, 4)], ref=lambda x: numpy.maximum(x, 0))

See `chainfuse.testing` for what the runner checks with a row.
"""
import numpy

from chainfuse.ops import registry
from chainfuse.testing.specs import as_spec

FLOAT_DTYPES = (numpy.float16, numpy.float32, numpy.float64)

# forward (atol, rtol) per dtype, against a float64 reference on the same values
FORWARD_TOL = {
    numpy.dtype(numpy.float16): (1e-2, 1e-2),
    numpy.dtype(numpy.float32): (1e-5, 1e-4),
    numpy.dtype(numpy.float64): (1e-10, 1e-8),
}
# gradient checks against numerical gradients (float64, Chainer's defaults); rows that
# exclude float64 are checked in their widest dtype with LOW_PRECISION_GRAD_TOL
GRAD_TOL = {'backward': (1e-5, 1e-4), 'double': (1e-4, 1e-3)}
LOW_PRECISION_GRAD_TOL = {'backward': (5e-2, 5e-2), 'double': (5e-2, 5e-2)}


def _dtype_key(k):
    if k in ('backward', 'double'):
        return k
    return numpy.dtype(k)


class Case:
    """One table row.

    Args:
        target: a registry op name (``'exp'``; called ``op(*inputs, **attrs)``), an `Op`,
            or a callable such as an F function (called ``fn(*variables, **attrs)``).
        inputs: input specs (`uniform`, `positive`, `nonzero`, `ints`, `bools`, `const`);
            a plain array is taken as `const`.
        attrs: keyword arguments for the target (and for `ref`).
        ref: numpy reference ``ref(*arrays, **attrs) -> array or tuple``, called with the
            float inputs in float64.  None only for ops whose output is random.
        dtypes: the float dtypes the row runs with.
        grad: True (every float input), False (not differentiable) or a tuple of input
            positions to differentiate.
        double: also check double backward (False only where the target is genuinely
            not twice differentiable).
        tol: forward (atol, rtol) for every dtype, or a dict keyed by dtype; the dict
            may also hold ``'backward'`` and ``'double'`` for the gradient checks.
        name: the row's name in test ids (default: the target's name).
        out_dtype: expected dtype of float outputs where it is not the input dtype
            (default: the case dtype; the ``dtype`` attr when the target has one).
        covers: extra op/function names this row counts for in the coverage tests (for
            rows whose target is a wrapper lambda).
    """

    def __init__(self, target, inputs, attrs=None, ref=None, dtypes=FLOAT_DTYPES, grad=True,
                 double=True, tol=None, name=None, out_dtype=None, covers=()):
        self.target = target
        self.inputs = [as_spec(s) for s in inputs]
        self.attrs = dict(attrs or {})
        self.ref = ref
        self.dtypes = tuple(numpy.dtype(d) for d in dtypes)
        self.grad = grad
        self.double = bool(double)
        self.tol = tol
        self.out_dtype = None if out_dtype is None else numpy.dtype(out_dtype)
        self.covers = (covers,) if isinstance(covers, str) else tuple(covers)
        self.name = name or self.target_name
        self._check()

    # ---- what the target is ----
    @property
    def is_op(self):
        return isinstance(self.target, (str, registry.Op))

    @property
    def op(self):
        if isinstance(self.target, registry.Op):
            return self.target
        return registry.get_op(self.target)

    @property
    def target_name(self):
        if isinstance(self.target, str):
            return self.target
        if isinstance(self.target, registry.Op):
            return self.target.name
        return getattr(self.target, '__name__', repr(self.target))

    def call(self, args):
        fn = self.op if self.is_op else self.target
        return fn(*args, **self.attrs)

    # ---- inputs and gradients ----
    @property
    def float_inputs(self):
        return tuple(i for i, s in enumerate(self.inputs) if s.is_float)

    @property
    def grad_inputs(self):
        """Positions of the inputs whose gradients are checked."""
        if self.grad is True:
            return self.float_inputs
        if self.grad is False or self.grad is None:
            return ()
        return tuple(self.grad)

    @property
    def run_dtypes(self):
        """The dtypes to parametrize over: one None for rows without float inputs."""
        return self.dtypes if self.float_inputs else (None,)

    @property
    def grad_dtype(self):
        """float64 when the row runs in it, else its widest float dtype."""
        return max(self.dtypes, key=lambda d: d.itemsize) if self.dtypes else None

    def forward_tol(self, dtype):
        base = FORWARD_TOL.get(numpy.dtype(dtype) if dtype is not None else None, (0, 0))
        if self.tol is None:
            return base
        if isinstance(self.tol, dict):
            tol = {_dtype_key(k): v for k, v in self.tol.items()}
            return tol.get(numpy.dtype(dtype) if dtype is not None else None, base)
        return tuple(self.tol)

    def grad_tol(self, which):
        """(atol, rtol) for 'backward' or 'double'."""
        if isinstance(self.tol, dict):
            for k, v in self.tol.items():
                if k == which:
                    return tuple(v)
        if self.grad_dtype != numpy.dtype(numpy.float64):
            return LOW_PRECISION_GRAD_TOL[which]
        return GRAD_TOL[which]

    def expected_out_dtype(self, dtype):
        if self.out_dtype is not None:
            return self.out_dtype
        if 'dtype' in self.attrs and self.attrs['dtype'] is not None:
            return numpy.dtype(self.attrs['dtype'])
        return dtype

    def _check(self):
        if not self.is_op and not callable(self.target):
            raise TypeError(f'Case {self.name}: target must be an op name, an Op or a '
                            f'callable, got {self.target!r}')
        if self.is_op:
            self.op  # raises KeyError for an unknown op name
        for i in self.grad_inputs:
            if not 0 <= i < len(self.inputs) or not self.inputs[i].is_float:
                raise ValueError(f'Case {self.name}: grad index {i} is not a float input')
        if self.grad_inputs and not self.dtypes:
            raise ValueError(f'Case {self.name}: gradients need at least one float dtype')

    def __repr__(self):
        return f'Case({self.name})'

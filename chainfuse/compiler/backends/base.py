"""The `Backend` interface: what a plan needs from the place its arrays live.

A plan (`chainfuse.compiler.plan`) is data -- steps, buffers, peak bytes -- and one
generated Python function that runs the steps.  The generator is the same for every
backend; a backend supplies the pieces that differ:

- ``name``: what ``backend=`` names it by, and what ``explain`` and ``str(plan)`` print;
- ``array_module``: the array module of the arrays it runs on (``'numpy'``, ``'cupy'``),
  which is how ``backend='auto'`` picks it from a call's arrays; ``auto``: whether
  ``'auto'`` may pick it at all (a debugging backend says no);
- ``xp``: that module; ``is_array``, ``asarray`` (convert) and ``empty`` (allocate);
- ``compiles_kernels``: whether fused groups become compiled kernels (otherwise each runs
  its ops' numpy ``impl`` one by one, and the memory plan gives it no buffers);
- ``native_segments``: whether its plans may run stretches of steps as one Numba
  function (`chainfuse.compiler.segments`; its kernels must be Numba `CpuKernel`s);
- ``kernel_windows``: whether its kernels read a split's pieces from the array they are
  cut from (`chainfuse.compiler.lowering`); ``build_kernel`` then takes ``windows``;
- ``numpy_tanh(aval)``: whether a ``tanh`` of that result runs as numpy's own loop
  rather than inside a kernel (the fuse pass then leaves it out of every group and
  writes ``sigmoid`` with it: `chainfuse.compiler.passes.fuse`);
- ``build_kernel(op, inplace, beside_blas)``: a kernel for a `FusedOp`.  It has ``.op``,
  ``.fn`` (``fn(*inputs, *outputs)`` with outputs preallocated and the in-place ones left
  out, or None when the group runs as numpy calls), ``.inplace``, ``.fallback_reason``
  and ``.source`` (the generated text ``explain`` shows);
- ``impl(op, attrs)``: the callable a non-kernel step runs;
- ``namespace()``: the names the generated executor calls (``empty``, ``asarray``,
  ``as_array``);
- ``available()`` / ``unavailable_reason()``: whether it can run on this machine.

A new backend is one module with a subclass that fills these, registered with
`chainfuse.compiler.backends.register_backend`.
"""
import functools


class BackendUnavailableError(RuntimeError):
    """A backend was asked for that cannot run here (a library or device is missing)."""


class Backend:
    """Base of the backends; see the module docstring for each member."""

    name = None
    array_module = 'numpy'
    auto = True
    compiles_kernels = False
    native_segments = False
    kernel_windows = False

    def available(self):
        return True

    def unavailable_reason(self):
        return None

    def check_available(self):
        if not self.available():
            raise BackendUnavailableError(self.unavailable_reason())

    @property
    def xp(self):
        raise NotImplementedError(f'backend {self.name!r} does not define xp')

    def is_array(self, x):
        return isinstance(x, self.xp.ndarray)

    def asarray(self, x):
        return self.xp.asarray(x)

    def empty(self, shape, dtype):
        return self.xp.empty(shape, dtype)

    def numpy_tanh(self, aval):
        return False

    def build_kernel(self, op, inplace, beside_blas):
        raise NotImplementedError(f'backend {self.name!r} does not define build_kernel')

    def impl(self, op, attrs):
        xp = self.xp
        return functools.partial(op.impl, xp, **attrs) if attrs else \
            functools.partial(op.impl, xp)

    def namespace(self):
        return {'empty': self.xp.empty, 'asarray': self.xp.asarray, 'as_array': self.as_array}

    def as_array(self, a):
        """A result as an array (a plan's 0-d results may come back as scalars)."""
        return a

    def __repr__(self):
        return f'<Backend {self.name}>'

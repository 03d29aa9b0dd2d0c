"""The backend table: name -> `Backend` (see `chainfuse.compiler.backends.base`).

In order of preference for ``backend='auto'``::

    numba   numpy arrays, fused groups compiled with Numba      (when numba is installed)
    numpy   numpy arrays, every step a numpy call
    cuda    cupy arrays -- the slot issue 15 fills; raises until then

`select_backend(arrays, backend)` picks one: a name (or a `Backend`) is looked up and
checked against the arrays' module; ``'auto'`` takes the backend named by the
``CHAINFUSE_BACKEND`` environment variable when it runs on the arrays' module (so
``CHAINFUSE_BACKEND=numpy`` runs every CPU plan as numpy calls, as CI does for a second
pass over the compiler tests), else the first available backend, in the order above,
whose array module is the arrays' (numpy when there are none).  A new
backend is a module with a `Backend` subclass, and one `register_backend` call.
"""
import os

from chainfuse import backend as array_backend
from chainfuse.compiler.backends.base import Backend, BackendUnavailableError  # noqa: F401
from chainfuse.compiler.backends.cuda import CudaBackend
from chainfuse.compiler.backends.numba import NumbaBackend
from chainfuse.compiler.backends.numpy import NumpyBackend

BACKENDS = {}


def register_backend(backend, replace=False):
    """Adds a `Backend` instance to the table under ``backend.name``; returns it."""
    if not isinstance(backend, Backend):
        raise TypeError(f'register_backend takes a Backend instance, got {backend!r}')
    if backend.name in BACKENDS and not replace:
        raise ValueError(f'a backend named {backend.name!r} is already registered')
    BACKENDS[backend.name] = backend
    return backend


def unregister_backend(name):
    BACKENDS.pop(name, None)


def backend_names():
    return list(BACKENDS)


def get_backend(name):
    """The registered backend `name`; raises if it is unknown or cannot run here."""
    if isinstance(name, Backend):
        backend = name
    else:
        backend = BACKENDS.get(name)
        if backend is None:
            valid = ', '.join(repr(n) for n in ['auto', *BACKENDS])
            raise ValueError(f'unknown backend {name!r}; valid backends: {valid}')
    backend.check_available()
    return backend


def select_backend(arrays=(), backend='auto'):
    """The backend for a call on `arrays` (module doc)."""
    module = _array_module(arrays)
    if backend != 'auto':
        chosen = get_backend(backend)
        if chosen.array_module != module:
            raise ValueError(f'backend {chosen.name!r} runs on {chosen.array_module} arrays, '
                             f'but the inputs are {module} arrays')
        return chosen
    default = os.environ.get('CHAINFUSE_BACKEND', 'auto') or 'auto'
    if default != 'auto':
        chosen = get_backend(default)     # an unknown name is an error, not ignored
        if chosen.array_module == module:
            return chosen
    for candidate in BACKENDS.values():
        if candidate.auto and candidate.array_module == module and candidate.available():
            return candidate
    for candidate in BACKENDS.values():     # none available: say why the first one is not
        if candidate.auto and candidate.array_module == module:
            return get_backend(candidate)
    raise ValueError(f'no registered backend runs on {module} arrays; '
                     f'registered: {", ".join(BACKENDS)}')


def _array_module(arrays):
    modules = {'cupy' if array_backend.is_cupy_array(a) else 'numpy'
               for a in arrays if array_backend.is_array(a)}
    if len(modules) > 1:
        raise ValueError('the inputs mix numpy and cupy arrays; move them to one device '
                         '(chainfuse.backend.to_device) first')
    return modules.pop() if modules else 'numpy'


register_backend(NumbaBackend())
register_backend(NumpyBackend())
register_backend(CudaBackend())

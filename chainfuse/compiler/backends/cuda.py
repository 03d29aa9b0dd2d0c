"""The cuda slot: cupy arrays, fused groups as ``cupy.ElementwiseKernel``s (issue 15).

The slot is in the table so that cupy arrays and ``backend='cuda'`` reach it and get a
clear error, rather than a CPU backend given GPU arrays.  It is not built yet: the
kernels' CUDA source exists (`chainfuse.compiler.codegen.cuda`), the backend that runs
them does not, so every use raises `BackendUnavailableError`, whether or not cupy is
installed.  Filling it means giving this class the members of `Backend`.
"""
from chainfuse import backend as array_backend
from chainfuse.compiler.backends.base import Backend, BackendUnavailableError

MESSAGE = 'CUDA backend not available yet: requires cupy and the CUDA backend (issue 15)'


class CudaBackend(Backend):
    name = 'cuda'
    array_module = 'cupy'

    def available(self):
        return False

    def unavailable_reason(self):
        found = 'cupy is installed' if array_backend.cupy is not None else \
            'cupy is not installed'
        return f'{MESSAGE}; {found}, the backend is not'

    def _unavailable(self, *args, **kwargs):
        raise BackendUnavailableError(self.unavailable_reason())

    xp = property(_unavailable)
    is_array = asarray = empty = build_kernel = impl = namespace = _unavailable

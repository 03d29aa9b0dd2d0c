"""The numpy backend: every step a numpy call, fused groups included.

A fused group runs `FusedOp.impl` (its ops' numpy ``impl`` one by one).  Its kernel
record still carries the Numba source the numba backend would compile, so ``explain``
shows the same kernels under both, marked ``fallback: backend='numpy'``.
"""
import numpy

from chainfuse.compiler.backends.base import Backend
from chainfuse.compiler.codegen.cpu import PARALLEL_MIN_SIZE, CpuKernel


class NumpyBackend(Backend):
    name = 'numpy'
    array_module = 'numpy'
    compiles_kernels = False

    @property
    def xp(self):
        return numpy

    def is_array(self, x):
        return isinstance(x, numpy.ndarray)

    def build_kernel(self, op, inplace, beside_blas):
        kernel = CpuKernel(op, parallel=cpu_parallel(op, beside_blas), inplace=inplace)
        kernel.fallback_reason = f'backend={self.name!r}'
        return kernel

    def as_array(self, a):
        return numpy.asarray(a) if isinstance(a, numpy.generic) else a


def cpu_parallel(op, beside_blas):
    """Whether a CPU kernel gets a thread pool: large, and no BLAS call in its plan (BLAS
    threads spin between calls; a kernel thread pool beside them only loses)."""
    size = 1
    for s in op.shape:
        size *= s
    return not beside_blas and size >= PARALLEL_MIN_SIZE

"""The numba backend: numpy arrays, fused groups compiled into Numba loops.

A fused group becomes a `CpuKernel` (chainfuse.compiler.codegen.cpu), compiled once
the memory plan has said which outputs overwrite which inputs.  A kernel that fails to
build runs as numpy calls (with a warning), like the numpy backend.
"""
from chainfuse.compiler.backends.numpy import NumpyBackend, cpu_parallel
from chainfuse.compiler.codegen.cpu import CpuKernel, numba_available


class NumbaBackend(NumpyBackend):
    name = 'numba'
    compiles_kernels = True
    native_segments = True

    def available(self):
        return numba_available()

    def unavailable_reason(self):
        return f"backend={self.name!r} was requested but numba is not installed"

    def build_kernel(self, op, inplace, beside_blas):
        kernel = CpuKernel(op, parallel=cpu_parallel(op, beside_blas), inplace=inplace)
        return kernel.compile()

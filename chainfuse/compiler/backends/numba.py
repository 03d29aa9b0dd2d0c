"""The numba backend: numpy arrays, fused groups compiled into Numba loops.

A fused group becomes a `CpuKernel` (chainfuse.compiler.codegen.cpu), compiled once
the memory plan has said which outputs overwrite which inputs.  A kernel that fails to
build runs as numpy calls (with a warning), like the numpy backend.
"""
from chainfuse.compiler.backends.numpy import NumpyBackend, cpu_parallel
from chainfuse.compiler.codegen import cpu_math
from chainfuse.compiler.codegen.cpu import CpuKernel, numba_available

# elements: measured in training steps (one thread, paired), 2048 x 32 (lstm_narrow's
# gates) gains 6% of the whole step, 64 x 512 (gelu_mlp) and 64 x 256 (lstm_cell) tie
# or lose 2%, the split kernels' extra passes eating the gain
NUMPY_TANH_MIN_SIZE = 1 << 16


class NumbaBackend(NumpyBackend):
    name = 'numba'
    compiles_kernels = True
    native_segments = True
    kernel_windows = True

    def available(self):
        return numba_available()

    def unavailable_reason(self):
        return f"backend={self.name!r} was requested but numba is not installed"

    def numpy_tanh(self, aval):
        """float32 tanh over at least `NUMPY_TANH_MIN_SIZE` elements, where kernels
        compute numpy's table algorithm (`chainfuse.compiler.codegen.cpu_math`): numpy's
        own loop computes the same numbers with vector permutes where a kernel reads the
        table with gathers, about 5x faster per element (0.27 vs 1.38 ns measured with
        AVX-512), which pays for the extra passes over memory on large arrays.  The same numbers either way, so compiled still equals eager."""
        return aval.dtype.name == 'float32' and aval.size >= NUMPY_TANH_MIN_SIZE and \
            cpu_math.tanh_f32_function() == '_tanh_f32'

    def build_kernel(self, op, inplace, beside_blas, windows=()):
        kernel = CpuKernel(op, parallel=cpu_parallel(op, beside_blas), inplace=inplace,
                           windows=windows)
        return kernel.compile()

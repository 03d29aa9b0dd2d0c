"""CUDAProfileHook: NVTX ranges around each function node, for the CUDA profiler."""
from chainfuse import backend
from chainfuse.function_hook import FunctionHook


class CUDAProfileHook(FunctionHook):
    """Pushes an NVTX range ``<label>.forward`` / ``<label>.backward`` around each function
    node so that ``nvprof``/Nsight show them.  Needs CuPy built with NVTX: without it,
    creating the hook raises a RuntimeError saying so."""

    name = 'CUDAProfileHook'

    def __init__(self):
        backend.check_cuda_available('CUDAProfileHook')
        cuda = backend.cupy.cuda  # pragma: no cover - needs CuPy
        if not getattr(cuda, 'nvtx_enabled', False):  # pragma: no cover - needs CuPy
            raise RuntimeError('CUDAProfileHook needs CuPy built with NVTX (cupy.cuda.nvtx)')
        self._nvtx = cuda.nvtx  # pragma: no cover - needs CuPy

    def forward_preprocess(self, function, in_data):  # pragma: no cover - needs CuPy
        self._nvtx.RangePush(function.label + '.forward')

    def forward_postprocess(self, function, in_data):  # pragma: no cover - needs CuPy
        self._nvtx.RangePop()

    def backward_preprocess(self, function, in_data, out_grad):  # pragma: no cover
        self._nvtx.RangePush(function.label + '.backward')

    def backward_postprocess(self, function, in_data, out_grad):  # pragma: no cover
        self._nvtx.RangePop()

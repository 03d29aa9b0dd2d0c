"""CUDA codegen: a fused group becomes a ``cupy.ElementwiseKernel``.

For the bias + ReLU group of a Linear layer the generated kernel is::

    in_params:  float32 in0, float32 in1, float32 in2
    out_params: float32 out0
    operation:
        const float t0 = (in0 + in1);
        const float t1 = ((t0 != t0 || t0 > in2) ? t0 : in2);
        out0 = t1;
    name: chainfuse_fused_add_maximum_1a2b3c4d

CuPy broadcasts the inputs to the output shape, so ``broadcast_to`` needs no code (its
``expr`` is ``'{0}'``).
Literals are typed (``((float)0.5)``), so float32 stays float32; ``maximum`` propagates
NaN as numpy's does (CUDA's ``max`` is ``fmaxf``, which drops it).  Without a GPU the
same source is compile-checked by `nvcc_check` (a standalone ``__global__`` wrapper
around the operation, compiled with ``nvcc -c``), and compiled for the host inside
CuPy's wrapping and run on numpy arrays by `chainfuse.compiler.codegen.cuda_host`.
"""
import hashlib
import os
import shutil
import subprocess
import tempfile

from chainfuse.compiler.codegen.expr import CUDA_TYPES, CudaPrinter, print_expr

# the type names of in_params/out_params: CuPy reads numpy's dtype names
_CUPY_TYPE = {name: name for name in CUDA_TYPES}


class CudaKernelSource:
    """The ElementwiseKernel pieces of a FusedOp: in/out params, operation, name."""

    def __init__(self, op):
        self.op = op
        self.in_params = ', '.join(f'{_CUPY_TYPE[a.dtype.name]} in{i}'
                                   for i, a in enumerate(op.in_avals))
        self.out_params = ', '.join(f'{_CUPY_TYPE[a.dtype.name]} out{k}'
                                    for k, a in enumerate(op.out_avals))
        self.operation = self._operation()
        self.name = 'chainfuse_' + op.name
        self.key = hashlib.sha256((self.in_params + self.out_params +
                                   self.operation).encode()).hexdigest()[:16]

    def _operation(self):
        op = self.op
        lines, avals = [], {}
        for opi, refs, attrs, j in op.body:
            args = [f'in{i}' if k == 'in' else f't{i}' for k, i in refs]
            in_avals = [op.in_avals[i] if k == 'in' else avals[i] for k, i in refs]
            out_aval = opi.infer(*in_avals, **attrs)
            avals[j] = out_aval
            expr = print_expr(CudaPrinter, opi, args, in_avals, out_aval)
            lines.append(f'const {CUDA_TYPES[out_aval.dtype.name]} t{j} = {expr};')
        for k, (_, j) in enumerate(op.out_refs):
            lines.append(f'out{k} = t{j};')
        return '\n'.join(lines)

    def __str__(self):
        body = '\n    '.join(self.operation.splitlines())
        return (f'in_params:  {self.in_params}\nout_params: {self.out_params}\n'
                f'operation:\n    {body}\nname: {self.name}')

    def build(self):
        """The cupy.ElementwiseKernel (needs CuPy and a GPU)."""
        import cupy
        return cupy.ElementwiseKernel(self.in_params, self.out_params, self.operation,
                                      self.name)

    def standalone(self):
        """A self-contained .cu translation unit around the operation, for nvcc/NVRTC."""
        op = self.op
        params = [f'const {CUDA_TYPES[a.dtype.name]}* __restrict__ _in{i}'
                  for i, a in enumerate(op.in_avals)]
        params += [f'{CUDA_TYPES[a.dtype.name]}* __restrict__ _out{k}'
                   for k, a in enumerate(op.out_avals)]
        params.append('long long _n')
        reads = [f'const {CUDA_TYPES[a.dtype.name]} in{i} = _in{i}[_i % {max(a.size, 1)}];'
                 for i, a in enumerate(op.in_avals)]
        decls = [f'{CUDA_TYPES[a.dtype.name]} out{k};' for k, a in enumerate(op.out_avals)]
        writes = [f'_out{k}[_i] = out{k};' for k in range(len(op.out_avals))]
        body = '\n        '.join(reads + decls + self.operation.splitlines() + writes)
        return ('#include <cuda_fp16.h>\n'
                'typedef __half float16;\n'
                f'extern "C" __global__ void {self.name}({", ".join(params)}) {{\n'
                '    for (long long _i = blockIdx.x * (long long)blockDim.x + threadIdx.x;\n'
                '         _i < _n; _i += (long long)blockDim.x * gridDim.x) {\n'
                f'        {body}\n'
                '    }\n}\n')


class CudaCompileError(RuntimeError):
    pass


def nvcc_available():
    return shutil.which('nvcc') is not None


def nvcc_check(sources, arch='sm_90'):
    """Compiles standalone kernel sources with ``nvcc -c``; raises CudaCompileError with
    nvcc's message on failure.  `sources` is a list of CudaKernelSource."""
    nvcc = shutil.which('nvcc')
    if nvcc is None:
        raise CudaCompileError('nvcc is not on PATH')
    text = '\n'.join(s.standalone() for s in sources)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'kernels.cu')
        with open(path, 'w') as f:
            f.write(text)
        proc = subprocess.run([nvcc, '-c', f'-arch={arch}', '-o', os.path.join(d, 'k.o'),
                               path], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise CudaCompileError(f'nvcc failed:\n{proc.stderr}\n--- source ---\n{text}')
    return True

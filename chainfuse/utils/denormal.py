"""Flushing denormal (subnormal) floats to zero on the CPU: ``set_flush_denormal``.

x86 processors compute with denormal operands or results (magnitudes below 1.2e-38 in
float32) through a microcode assist that costs about a hundred cycles per operation.
Training reaches them without anything being wrong: Adam's first moment of a weight
whose gradient is exactly zero (a dead ReLU unit's row) decays by ``beta1`` every step
and is denormal after several hundred steps; from then on every update of it is slow
(the MLP of `benchmarks.specs`' mlp50_adam: 0.34 -> 0.53 ms per step after 1000 steps).

``set_flush_denormal(True)`` sets the FTZ (flush to zero) and DAZ (denormals are zero)
bits of the calling thread's MXCSR register, as ``torch.set_flush_denormal`` does and as
JAX's CPU backend does around every computation: denormal results become zero, and
denormal inputs are read as zero.  It is off by default (IEEE arithmetic, as numpy and
Chainer compute) and changes results only below the normal range -- but there it
changes them (``log`` of a denormal is ``-inf``, a division by one is infinite).

The mode is a property of the thread, so it applies to everything the thread computes:
numpy (eager chainfuse) and the compiled plans' Numba kernels alike, so compiled and
eager results still agree with each other.  Threads started afterwards inherit it;
threads already running (OpenBLAS's workers) keep theirs.  Only x86-64 is supported;
elsewhere the call returns False and changes nothing.

The register is read and written by two tiny functions compiled with llvmlite (Numba's
code generator, already a dependency) from LLVM's ``stmxcsr``/``ldmxcsr`` intrinsics, on
the first call.
"""
import ctypes
import platform
import threading

FTZ = 0x8000        # MXCSR bit 15: results that would be denormal are zero
DAZ = 0x0040        # MXCSR bit 6: denormal operands are read as zero

_lock = threading.Lock()
_access = None      # (get, set, engine) once compiled; False where unsupported


# LLVM 15 made pointers opaque (``ptr``); before it they are typed (``i8*``)
_OPAQUE_IR = """
declare void @llvm.x86.sse.stmxcsr(ptr)
declare void @llvm.x86.sse.ldmxcsr(ptr)
define i32 @chainfuse_get_mxcsr() {
  %p = alloca i32
  call void @llvm.x86.sse.stmxcsr(ptr %p)
  %v = load i32, ptr %p
  ret i32 %v
}
define void @chainfuse_set_mxcsr(i32 %v) {
  %p = alloca i32
  store i32 %v, ptr %p
  call void @llvm.x86.sse.ldmxcsr(ptr %p)
  ret void
}
"""
_TYPED_IR = """
declare void @llvm.x86.sse.stmxcsr(i8*)
declare void @llvm.x86.sse.ldmxcsr(i8*)
define i32 @chainfuse_get_mxcsr() {
  %p = alloca i32
  %c = bitcast i32* %p to i8*
  call void @llvm.x86.sse.stmxcsr(i8* %c)
  %v = load i32, i32* %p
  ret i32 %v
}
define void @chainfuse_set_mxcsr(i32 %v) {
  %p = alloca i32
  store i32 %v, i32* %p
  %c = bitcast i32* %p to i8*
  call void @llvm.x86.sse.ldmxcsr(i8* %c)
  ret void
}
"""


def _compile():
    import llvmlite.binding as llvm
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    module = llvm.parse_assembly(_OPAQUE_IR if llvm.llvm_version_info >= (15,) else _TYPED_IR)
    module.verify()
    machine = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(module, machine)
    engine.finalize_object()
    get = ctypes.CFUNCTYPE(ctypes.c_uint32)(
        engine.get_function_address('chainfuse_get_mxcsr'))
    set_ = ctypes.CFUNCTYPE(None, ctypes.c_uint32)(
        engine.get_function_address('chainfuse_set_mxcsr'))
    return get, set_, engine        # the engine owns the code: kept alive with them


def _registers():
    """(get, set) of this thread's MXCSR, or None where there is none to set."""
    global _access
    with _lock:
        if _access is None:
            if platform.machine().lower() not in ('x86_64', 'amd64'):
                _access = False
            else:
                _access = _compile()
    return _access or None


def set_flush_denormal(mode):
    """Flushes denormal floats to zero in the calling thread (`mode` True) or computes
    them as IEEE arithmetic does (False, the default); see the module docstring.
    Returns True when the processor supports it and the mode is set (x86-64), else
    False, as ``torch.set_flush_denormal``."""
    access = _registers()
    if access is None:
        return False
    get, set_ = access[:2]
    value = get()
    set_(value | FTZ | DAZ if mode else value & ~(FTZ | DAZ))
    return True


def flush_denormal():
    """Whether the calling thread flushes denormals to zero (both FTZ and DAZ set)."""
    access = _registers()
    return access is not None and access[0]() & (FTZ | DAZ) == FTZ | DAZ

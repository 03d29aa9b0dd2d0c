"""The compiler: traced Graph -> optimized, differentiated, fused Plans
(see chainfuse.compiler.pipeline for the pass list)."""
from chainfuse.compiler.pipeline import (  # noqa: F401
    CLEANUP, CompileReport, compile_inference, compile_training, run_passes)
from chainfuse.compiler.plan import Plan  # noqa: F401
from chainfuse.compiler.kernel import FusedOp  # noqa: F401

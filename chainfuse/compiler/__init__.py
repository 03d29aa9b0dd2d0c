"""The compiler: traced Graph -> optimized, differentiated, fused Plans
(``print(chainfuse.compiler.PASSES)`` shows the pass list; see
chainfuse.compiler.pipeline)."""
from chainfuse.compiler.pipeline import (  # noqa: F401
    PASSES, CompileReport, Pass, Unit, compile_inference, compile_training)
from chainfuse.compiler.plan import Plan  # noqa: F401
from chainfuse.compiler.kernel import FusedOp  # noqa: F401

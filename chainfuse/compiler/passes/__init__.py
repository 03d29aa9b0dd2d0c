"""The compiler's passes, each Graph in and Graph out (see chainfuse.compiler.pipeline)."""
from chainfuse.compiler.passes.canonicalize import canonicalize  # noqa: F401
from chainfuse.compiler.passes.dce import dce  # noqa: F401
from chainfuse.compiler.passes.cse import cse  # noqa: F401
from chainfuse.compiler.passes.constant_fold import constant_fold  # noqa: F401
from chainfuse.compiler.passes.autodiff import autodiff  # noqa: F401

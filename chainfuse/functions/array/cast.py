import numpy

from chainfuse.core.variable import as_variable
from chainfuse.ops import elementwise as E


def cast(x, typ):
    """x converted to dtype `typ` (x itself when it already has it).  The gradient is cast
    back to x's dtype; a cast from an integer type has no gradient."""
    typ = numpy.dtype(typ)
    if x.dtype == typ:
        return as_variable(x)
    return E.astype(x, dtype=typ)

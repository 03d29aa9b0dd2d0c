from chainfuse.ops import array as A


def concat(xs, axis=1):
    """Joins the arrays of `xs` along `axis` (one ``concat`` op; its gradient is a
    ``split`` at the same points)."""
    xs = list(xs)
    if not xs:
        raise ValueError('concat: xs must hold at least one array')
    return A.concat(*xs, axis=int(axis))

from chainfuse.ops import elementwise as E


def clipped_relu(x, z=20.0):
    """``min(max(x, 0), z)``: a ReLU capped at `z` (gradient 1 strictly inside (0, z))."""
    return E.minimum(float(z), E.maximum(0.0, x))   # ties go to the bounds: gradient 0


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return clipped_relu(x, 6.0)

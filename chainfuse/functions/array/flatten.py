from chainfuse.ops import array as A


def flatten(x):
    """x as a 1-D array of x.size elements (C order)."""
    return A.reshape(x, shape=(x.size,))

from chainfuse.ops import array as A


def identity(*inputs):
    """Returns its inputs unchanged, each as a new node of the graph (the gradient passes
    through); one input gives one Variable, several a tuple."""
    ys = tuple(A.reshape(x, shape=tuple(x.shape)) for x in inputs)
    return ys[0] if len(ys) == 1 else ys

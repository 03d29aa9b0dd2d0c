from chainfuse.functions._util import check_axis
from chainfuse.functions.array.concat import concat
from chainfuse.functions.activation.relu import relu
from chainfuse.ops import elementwise as E


def crelu(x, axis=1):
    """Concatenated ReLU: ``concat(relu(x), relu(-x), axis)``, twice as long on `axis`."""
    axis = check_axis('crelu', axis, x.ndim)
    return concat((relu(x), relu(E.neg(x))), axis=axis)

"""L.Scale: multiplies by a learned scale broadcast along the axes from `axis` on."""
from chainfuse import functions as F
from chainfuse.core.variable import Parameter
from chainfuse.links.connection.bias import Bias
from chainfuse.links.link import Chain


class Scale(Chain):
    """``Scale(axis=1, W_shape=None, bias_term=False, bias_shape=None)``: ``y = x * W``
    (+ b with `bias_term`).

    Without `W_shape`, the scale is the second input: ``link(x, W)``; then the bias
    needs `bias_shape`.
    """

    def __init__(self, axis=1, W_shape=None, bias_term=False, bias_shape=None):
        super().__init__()
        self.axis = axis
        with self.init_scope():
            if W_shape is not None:
                self.W = Parameter(1, W_shape)
                if bias_term:
                    self.bias = Bias(axis, W_shape)
            elif bias_term:
                if bias_shape is None:
                    raise ValueError('Scale: bias_shape is needed when W_shape is None and '
                                     'bias_term is True')
                self.bias = Bias(axis, bias_shape)

    def forward(self, *xs):
        x = xs[0]
        self._check_input_device(x)
        y = xs[1] if len(xs) > 1 else self.W
        z = F.scale(x, y, self.axis)
        if getattr(self, 'bias', None) is not None:
            z = self.bias(z)
        return z

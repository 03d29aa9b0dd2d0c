from chainfuse import functions as F
from chainfuse.links.connection.linear import Linear
from chainfuse.links.link import Chain


class Highway(Chain):
    """``Highway(in_out_size, nobias=False, activate=F.relu, init_Wh=None, init_Wt=None,
    init_bh=None, init_bt=-1)``: ``y = activate(plain(x)) t + x (1 - t)`` with the
    transform gate ``t = sigmoid(transform(x))`` (children plain and transform)."""

    def __init__(self, in_out_size, nobias=False, activate=F.relu, init_Wh=None,
                 init_Wt=None, init_bh=None, init_bt=-1):
        super().__init__()
        self.activate = activate
        with self.init_scope():
            self.plain = Linear(in_out_size, in_out_size, nobias=nobias, initialW=init_Wh,
                                initial_bias=init_bh)
            self.transform = Linear(in_out_size, in_out_size, nobias=nobias,
                                    initialW=init_Wt, initial_bias=init_bt)

    def forward(self, x):
        t = F.sigmoid(self.transform(x))
        return self.activate(self.plain(x)) * t + x * (1 - t)

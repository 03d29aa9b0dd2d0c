from chainfuse import functions as F
from chainfuse.links.rnn.n_step_rnn import NStepRNNBase


class NStepLSTMBase(NStepRNNBase):
    """LSTM over lists of sequences: 8 weights per layer and direction (W0..W3 for the
    input, W4..W7 for the hidden state; see ``F.n_step_lstm``)."""

    n_weights = 8

    def forward(self, hx, cx, xs, **kwargs):
        """``hy, cy, ys = link(hx, cx, xs)`` (hx, cx None: zeros)."""
        (hy, cy), ys = self._call([hx, cx], xs, **kwargs)
        return hy, cy, ys


class NStepLSTM(NStepLSTMBase):
    """``NStepLSTM(n_layers, in_size, out_size, dropout)``: stacked LSTM."""

    def rnn(self, *args):
        return F.n_step_lstm(*args)


class NStepBiLSTM(NStepLSTMBase):
    """``NStepBiLSTM(n_layers, in_size, out_size, dropout)``: stacked bidirectional LSTM
    (ys[i] has 2 * out_size columns)."""

    use_bi_direction = True

    def rnn(self, *args):
        return F.n_step_bilstm(*args)

from chainfuse import functions as F
from chainfuse.links.rnn.n_step_rnn import NStepRNNBase


class NStepGRUBase(NStepRNNBase):
    """GRU over lists of sequences: 6 weights per layer and direction (W0..W2 for the
    input, W3..W5 for the hidden state; see ``F.n_step_gru``)."""

    n_weights = 6


class NStepGRU(NStepGRUBase):
    """``NStepGRU(n_layers, in_size, out_size, dropout)``: stacked GRU."""

    def rnn(self, *args):
        return F.n_step_gru(*args)


class NStepBiGRU(NStepGRUBase):
    """``NStepBiGRU(n_layers, in_size, out_size, dropout)``: stacked bidirectional GRU."""

    use_bi_direction = True

    def rnn(self, *args):
        return F.n_step_bigru(*args)
